#include "url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace pipectl::net {

namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lower_case(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(), lower);
  return result;
}

// Bytes that may never appear in a URL we send: they could split or corrupt the request line.
bool unsafe_byte(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte <= 0x20 || byte >= 0x7f;
}

bool host_character(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'; }

std::uint16_t default_port(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

}  // namespace

std::string Url::target() const {
  std::string result = path;
  if (!query.empty()) result.append("?").append(query);
  return result;
}

std::string Url::authority() const {
  std::string result;
  if (host.find(':') != std::string::npos) result.append("[").append(host).append("]");
  else result.append(host);
  if (port != default_port(scheme)) result.append(":").append(std::to_string(port));
  return result;
}

std::string Url::origin() const {
  std::string result = scheme;
  result.append("://").append(authority());
  return result;
}

std::string Url::text() const { return origin() + target(); }

std::optional<Url> parse_url(std::string_view text) {
  if (std::any_of(text.begin(), text.end(), unsafe_byte)) return std::nullopt;
  text = text.substr(0, text.find('#'));

  Url url;
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  url.scheme = lower_case(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  text.remove_prefix(scheme_end + 3);

  auto authority_end = text.find_first_of("/?");
  std::string_view authority = text.substr(0, authority_end);
  std::string_view rest = authority_end == std::string_view::npos ? std::string_view{} : text.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {  // [IPv6]:port
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return std::nullopt;
      port = after.substr(1);
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        }))
      return std::nullopt;
  } else {
    auto colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), host_character)) return std::nullopt;
  }
  url.host = lower_case(host);
  url.port = default_port(url.scheme);
  if (authority.ends_with(':')) return std::nullopt;  // "host:" with no port
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) return std::nullopt;
    url.port = static_cast<std::uint16_t>(value);
  }

  auto question = rest.find('?');
  url.path = std::string(rest.substr(0, question));
  if (question != std::string_view::npos) url.query = std::string(rest.substr(question + 1));
  if (url.path.empty()) url.path = "/";
  return url;
}

std::string url_encode(std::string_view value) {
  static const char hex[] = "0123456789ABCDEF";
  std::string result;
  result.reserve(value.size());
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      result += c;
    } else {
      result += '%';
      result += hex[byte >> 4];
      result += hex[byte & 0xf];
    }
  }
  return result;
}

std::string url_for_messages(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  std::string result;
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::string_view after = url.substr(scheme_end + 3);
  auto authority_end = after.find('/');
  auto at = after.substr(0, authority_end).rfind('@');
  result.append(url.substr(0, scheme_end + 3));
  result.append(at == std::string_view::npos ? after : after.substr(at + 1));
  return result;
}

std::optional<Url> resolve_location(const Url& base, std::string_view location) {
  if (location.empty()) return std::nullopt;
  auto scheme_end = location.find("://");
  auto first_special = location.find_first_of("/?#");
  if (scheme_end != std::string_view::npos && scheme_end < first_special) return parse_url(location);
  if (location.starts_with("//")) {
    std::string absolute = base.scheme;
    absolute.append(":").append(location);
    return parse_url(absolute);
  }
  std::string absolute = base.origin();
  if (location.starts_with('/')) {
    absolute.append(location);
  } else if (location.starts_with('?')) {
    absolute.append(base.path).append(location);
  } else {  // relative to the folder of the base path
    absolute.append(base.path.substr(0, base.path.rfind('/') + 1)).append(location);
  }
  return parse_url(absolute);
}

}  // namespace pipectl::net
