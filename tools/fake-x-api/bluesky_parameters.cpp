// The lexicon checks of getProfile and getAuthorFeed, with atproto's wording where it has one.
#include "bluesky_parameters.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace fake_x_api {

namespace {

constexpr std::array<std::string_view, 5> feed_filters = {"posts_with_replies", "posts_no_replies", "posts_with_media",
                                                          "posts_and_author_threads", "posts_with_video"};

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// did:<method>:<identifier>, the method in lower-case letters.
bool is_did(std::string_view text) {
  if (text.rfind("did:", 0) != 0 || text.size() > 2048) return false;
  std::string_view rest = text.substr(4);
  std::size_t colon = rest.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  if (!std::all_of(rest.begin(), rest.begin() + static_cast<long>(colon),
                   [](char c) { return c >= 'a' && c <= 'z'; }))
    return false;
  std::string_view identifier = rest.substr(colon + 1);
  return !identifier.empty() && identifier.back() != ':' && identifier.back() != '%' &&
         std::all_of(identifier.begin(), identifier.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == ':' || c == '%' || c == '-'; });
}

// atproto's handle syntax: at least two labels of letters, digits and '-' (not at either end),
// each 1..63 long, 253 in all, the last not starting with a digit.
bool is_handle(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  std::size_t labels = 0;
  std::string_view last;
  while (true) {
    std::size_t dot = text.find('.');
    std::string_view label = text.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; }))
      return false;
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return labels >= 2 && !std::isdigit(static_cast<unsigned char>(last.front()));
}

std::string error_text(std::string_view message) { return std::string("Error: ").append(message); }

std::optional<std::string> check_limit(const std::string& value) {
  long number = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) return error_text("limit must be an integer");
  if (number < 1) return error_text("limit can not be less than 1");
  if (number > 100) return error_text("limit can not be greater than 100");
  return std::nullopt;
}

}  // namespace

bool is_at_identifier(std::string_view actor) { return is_did(actor) || is_handle(actor); }

std::optional<std::string> check_xrpc_query(Endpoint endpoint, const QueryParameters& query) {
  bool feed = endpoint == Endpoint::author_feed;
  for (const auto& [name, value] : query) {
    if (name == "actor") {
      if (!is_at_identifier(value)) return error_text("actor must be a valid did or a handle");
    } else if (feed && name == "limit") {
      if (auto problem = check_limit(value)) return problem;
    } else if (feed && name == "filter") {
      if (std::find(feed_filters.begin(), feed_filters.end(), value) == feed_filters.end()) {
        std::string known;
        for (auto filter : feed_filters) known.append(known.empty() ? "" : ", ").append(filter);
        return error_text("filter must be one of ").append(known);
      }
    } else if (feed && name == "includePins") {
      if (value != "true" && value != "false") return error_text("includePins must be a boolean");
    } else if (!(feed && name == "cursor")) {
      return error_text("Params has an unknown property \"").append(name).append("\"");
    }
  }
  if (!query_value(query, "actor")) return error_text("Params must have the property \"actor\"");
  return std::nullopt;
}

}  // namespace fake_x_api
