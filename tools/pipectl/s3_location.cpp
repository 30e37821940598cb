// s3://BUCKET/PREFIX, object names, and the settings of an S3-compatible store (the AWS_*
// variables).
#include <algorithm>
#include <string_view>

#include "s3_store.hpp"

extern char** environ;

namespace pipectl::cli {

namespace {

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

// S3's rules for bucket names (the ones path-style URLs need).
bool is_bucket_name(std::string_view name) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (name.size() < 3 || name.size() > 63 || !alnum(name.front()) || !alnum(name.back())) return false;
  if (name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '.' || c == '-'; });
}

std::string value_of(const std::map<std::string, std::string>& environment, const std::string& name) {
  auto found = environment.find(name);
  return found == environment.end() ? std::string() : found->second;
}

}  // namespace

bool is_clean_object_name(std::string_view path) {
  if (path.empty() || has_control_character(path)) return false;
  for (;;) {
    const std::size_t slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

std::string S3Location::key_of(const std::string& relative) const {
  return prefix.empty() ? relative : prefix + "/" + relative;
}

std::string S3Location::url_of(const std::string& key) const { return "s3://" + bucket + "/" + key_of(key); }

bool is_s3_url(const std::string& text) { return text.starts_with("s3://"); }

std::optional<S3Location> parse_s3_url(const std::string& url, std::string& problem) {
  if (!is_s3_url(url)) {
    problem = "an S3 output is written s3://BUCKET[/PREFIX]";
    return std::nullopt;
  }
  std::string rest = url.substr(5);
  const std::size_t slash = rest.find('/');
  S3Location location{rest.substr(0, slash), slash == std::string::npos ? std::string() : rest.substr(slash + 1)};
  if (location.bucket.empty()) {
    problem = "no bucket name after s3:// in " + url;
    return std::nullopt;
  }
  if (!is_bucket_name(location.bucket)) {
    problem = "'" + location.bucket + "' in " + url +
              " is not a bucket name (3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit)";
    return std::nullopt;
  }
  while (location.prefix.ends_with('/')) location.prefix.pop_back();
  if (!location.prefix.empty() && !is_clean_object_name(location.prefix)) {
    problem = "the prefix in " + url + " has an empty, '.' or '..' part, or a control character";
    return std::nullopt;
  }
  return location;
}

std::optional<S3Settings> s3_settings_from(const std::map<std::string, std::string>& environment, std::string& problem) {
  S3Settings settings;
  settings.access_key = value_of(environment, "AWS_ACCESS_KEY_ID");
  settings.secret_key = value_of(environment, "AWS_SECRET_ACCESS_KEY");
  settings.session_token = value_of(environment, "AWS_SESSION_TOKEN");
  for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"})
    if (value_of(environment, name).empty()) {
      problem = std::string(name) + " is not set: S3 outputs need AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
      return std::nullopt;
    }
  settings.region = value_of(environment, "AWS_REGION");
  if (settings.region.empty()) settings.region = value_of(environment, "AWS_DEFAULT_REGION");
  if (settings.region.empty()) settings.region = "us-east-1";
  // It goes into curl's "aws:amz:REGION:s3": no ':' or other surprises.
  if (!std::all_of(settings.region.begin(), settings.region.end(),
                   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; })) {
    problem = "AWS_REGION (or AWS_DEFAULT_REGION) is not a region name like us-east-1";
    return std::nullopt;
  }
  // AWS_ENDPOINT_URL_S3 is the SDKs' S3-only form; it wins over the general one.
  settings.endpoint = value_of(environment, "AWS_ENDPOINT_URL_S3");
  if (settings.endpoint.empty()) settings.endpoint = value_of(environment, "AWS_ENDPOINT_URL");
  if (settings.endpoint.empty()) settings.endpoint = "https://s3." + settings.region + ".amazonaws.com";
  while (settings.endpoint.ends_with('/')) settings.endpoint.pop_back();
  if (!(settings.endpoint.starts_with("http://") || settings.endpoint.starts_with("https://")) ||
      has_control_character(settings.endpoint) || settings.endpoint.find_first_of("?#@") != std::string::npos) {
    problem = "AWS_ENDPOINT_URL must be an http:// or https:// URL without user, query or fragment";
    return std::nullopt;
  }
  return settings;
}

std::map<std::string, std::string> process_environment_map() {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string_view text(*entry);
    const std::size_t equals = text.find('=');
    if (equals != std::string_view::npos && equals > 0)
      variables.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return variables;
}

}  // namespace pipectl::cli
