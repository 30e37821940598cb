// URLs as the HTTP client needs them: split into scheme, host, port and target; query values
// percent-encoded; and a form safe to print, without the query (it may carry tokens).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pipectl::net {

struct Url {
  std::string scheme;      // "http" or "https", lower case
  std::string host;        // lower case; an IPv6 address without its brackets
  std::uint16_t port = 0;  // as written, else the scheme's (80, 443)
  std::string path;        // starts with '/'; "/" when the URL has none
  std::string query;       // what follows '?', without it; empty when none

  std::string target() const;     // path and query, as the request line wants them
  std::string authority() const;  // host[:port] as the Host header wants it (port only if not the default)
  std::string origin() const;     // scheme://authority
  std::string text() const;       // the whole URL again
};

// Parses scheme://host[:port][/path][?query][#fragment] for http and https. Refuses (nullopt)
// other schemes, user information (user:password@), a bad port, and any control character,
// space or non-ASCII byte, so nothing unsafe can reach a request line. The fragment is dropped.
std::optional<Url> parse_url(std::string_view text);

// Percent-encodes every byte but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~), for
// query values and path segments.
std::string url_encode(std::string_view value);

// The URL without its query, fragment and user information: what error messages and logs may show.
std::string url_for_messages(std::string_view url);

// Where a redirect's Location header points, resolved against the URL that answered (absolute,
// scheme-relative "//host/...", absolute path or relative path); nullopt when not http(s).
std::optional<Url> resolve_location(const Url& base, std::string_view location);

}  // namespace pipectl::net
