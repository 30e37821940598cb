// The bits of URL syntax the server needs: a request target split into its path and query
// parameters, percent-decoding, and percent-encoding of the paths and query values it writes
// into URLs (media URLs, Mastodon's Link header).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fake_x_api {

struct Target {
  std::string path;                                        // percent-decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded ('+' is a space), in order
};

// nullopt when the target is not an origin-form path ("/...") or holds a bad %-escape.
std::optional<Target> parse_target(std::string_view target);

// nullopt when `text` holds a bad %-escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Escapes every byte but unreserved characters and '/'.
std::string percent_encode_path(std::string_view path);
// Escapes every byte but unreserved characters: a query parameter's name or value.
std::string percent_encode_component(std::string_view text);

}  // namespace fake_x_api
