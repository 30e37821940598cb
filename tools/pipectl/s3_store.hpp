// Outputs a fleet can reach: videos and subtitles uploaded to an S3-compatible store (AWS S3,
// MinIO, Ceph RGW, s3rver) with libcurl, signed by libcurl's own AWS SigV4 (CURLOPT_AWS_SIGV4).
// Credentials and the endpoint come from the standard AWS_* variables and are never printed.
// An upload goes to its final key in one PUT, or, for large files, as a multipart upload that
// is completed only once every part is in (and aborted on failure), so an interrupted upload
// leaves no object under the final key. Failed requests (5xx, dropped connections) are retried
// with backoff (net::Backoff).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace pipectl::cli {

// s3://BUCKET/PREFIX (the prefix may be empty; no trailing slash kept).
struct S3Location {
  std::string bucket;
  std::string prefix;
  // "s3://bucket/prefix/KEY" for messages and events (`key` relative to the prefix, as for key_of).
  std::string url_of(const std::string& key) const;
  // prefix + "/" + relative (or relative alone when the prefix is empty).
  std::string key_of(const std::string& relative) const;
};

// A relative object name: slash-separated parts that are all non-empty, not "." or "..",
// without control characters.
bool is_clean_object_name(std::string_view name);

// Whether `text` starts with s3:// (then it is an S3 output, not a folder).
bool is_s3_url(const std::string& text);
// Parses s3://BUCKET[/PREFIX]; nothing, with `problem` saying why, when it is not one.
std::optional<S3Location> parse_s3_url(const std::string& url, std::string& problem);

struct S3Settings {
  std::string endpoint;       // AWS_ENDPOINT_URL, else https://s3.REGION.amazonaws.com
  std::string region;         // AWS_REGION (else AWS_DEFAULT_REGION, else us-east-1)
  std::string access_key;     // AWS_ACCESS_KEY_ID
  std::string secret_key;     // AWS_SECRET_ACCESS_KEY
  std::string session_token;  // AWS_SESSION_TOKEN, may be empty
  bool path_style = true;     // https://endpoint/bucket/key (what S3-compatible servers take)
  std::uint64_t multipart_threshold = 64ull << 20;  // files larger than this go in parts
  std::uint64_t part_size = 16ull << 20;            // at least 5 MiB (S3's minimum but for the last part)
  int max_attempts = 5;                             // per request, the first included
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds timeout{120000};        // per request
};

// The settings from `environment` (NAME -> value); nothing, with `problem` naming the missing
// variable (never a value), when the credentials are not there.
std::optional<S3Settings> s3_settings_from(const std::map<std::string, std::string>& environment, std::string& problem);
// The process's environment as a map, for the above.
std::map<std::string, std::string> process_environment_map();

class S3Store {
 public:
  S3Store(S3Location location, S3Settings settings);
  ~S3Store();
  S3Store(const S3Store&) = delete;
  S3Store& operator=(const S3Store&) = delete;

  const S3Location& location() const { return location_; }

  // HEAD of the object at prefix/relative: its size when it exists, nothing when it does not
  // (404). Throws std::runtime_error (naming the URL and the server's answer) on other failures.
  std::optional<std::uint64_t> size_of(const std::string& relative);
  // Uploads `file` to prefix/relative: the object exists whole afterwards, or the call throws
  // std::runtime_error (after its retries) and no object was made under that key.
  void upload(const std::filesystem::path& file, const std::string& relative, const std::string& content_type);

  // Requests made so far (for tests and the benchmark).
  int requests() const { return requests_; }

 private:
  S3Location location_;
  S3Settings settings_;
  int requests_ = 0;
};

}  // namespace pipectl::cli
