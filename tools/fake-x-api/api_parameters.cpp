// Validates path and query parameters as GET /2/users/by/username and /2/users/:id/tweets do.
#include "api_parameters.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "api_errors.hpp"

namespace fake_x_api {

namespace {

constexpr std::array<std::string_view, 3> user_lookup_parameters = {"expansions", "tweet.fields", "user.fields"};
constexpr std::array<std::string_view, 13> timeline_parameters = {
    "end_time",     "exclude",     "expansions",  "max_results", "media.fields", "pagination_token", "place.fields",
    "poll.fields",  "since_id",    "start_time",  "tweet.fields", "until_id",    "user.fields"};

bool all_of_kind(std::string_view text, int (*is_kind)(int)) {
  return std::all_of(text.begin(), text.end(), [is_kind](char c) { return is_kind(static_cast<unsigned char>(c)) != 0; });
}

bool is_digits(std::string_view text, std::size_t at, std::size_t count) {
  return at + count <= text.size() && all_of_kind(text.substr(at, count), std::isdigit);
}

// RFC 3339 as the API takes it: YYYY-MM-DDTHH:mm:ss, optional fraction, then Z or +hh:mm.
bool is_rfc3339(std::string_view text) {
  if (!(is_digits(text, 0, 4) && text.size() > 19 && text[4] == '-' && is_digits(text, 5, 2) && text[7] == '-' &&
        is_digits(text, 8, 2) && text[10] == 'T' && is_digits(text, 11, 2) && text[13] == ':' &&
        is_digits(text, 14, 2) && text[16] == ':' && is_digits(text, 17, 2)))
    return false;
  std::size_t at = 19;
  if (text[at] == '.') {
    std::size_t digits = 0;
    while (is_digits(text, at + 1 + digits, 1)) ++digits;
    if (digits == 0) return false;
    at += 1 + digits;
  }
  std::string_view zone = text.substr(at);
  if (zone == "Z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && is_digits(zone, 1, 2) && zone[3] == ':' &&
         is_digits(zone, 4, 2);
}

std::string quoted_parameter(std::string_view name) { return std::string("The `").append(name).append("` "); }

std::optional<std::string> check_value(std::string_view name, const std::string& value) {
  if (name == "max_results") {
    long number = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc() || end != value.data() + value.size() || number < 5 || number > 100)
      return invalid_parameter(name, value, quoted_parameter(name).append("query parameter value [").append(value).append(
                                                "] is not between 5 and 100"));
  } else if (name == "start_time" || name == "end_time") {
    if (!is_rfc3339(value))
      return invalid_parameter(name, value, quoted_parameter(name).append("query parameter value [").append(value).append(
                                                "] is not a valid RFC 3339 time (YYYY-MM-DDTHH:mm:ssZ)"));
  } else if (name == "since_id" || name == "until_id") {
    if (value.empty() || value.size() > 19 || !all_of_kind(value, std::isdigit))
      return invalid_parameter(name, value, quoted_parameter(name).append("query parameter value [").append(value).append(
                                                "] does not match ^[0-9]{1,19}$"));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_username(std::string_view username) {
  if (!username.empty() && username.size() <= 15 &&
      std::all_of(username.begin(), username.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
    return std::nullopt;
  return invalid_parameter("username", username, quoted_parameter("username").append("path parameter value [").append(
                                                     username).append("] does not match ^[A-Za-z0-9_]{1,15}$"));
}

std::optional<std::string> check_user_id(std::string_view id) {
  if (!id.empty() && id.size() <= 19 && all_of_kind(id, std::isdigit)) return std::nullopt;
  return invalid_parameter("id", id, quoted_parameter("id").append("path parameter value [").append(id).append(
                                         "] does not match ^[0-9]{1,19}$"));
}

std::optional<std::string> check_query(Endpoint endpoint, const QueryParameters& query) {
  const std::string_view* known_begin = user_lookup_parameters.data();
  const std::string_view* known_end = known_begin + user_lookup_parameters.size();
  if (endpoint == Endpoint::timeline) {
    known_begin = timeline_parameters.data();
    known_end = known_begin + timeline_parameters.size();
  }
  for (const auto& [name, value] : query) {
    if (std::find(known_begin, known_end, name) == known_end) {
      std::string known;
      for (auto at = known_begin; at != known_end; ++at) known.append(known.empty() ? "" : ",").append(*at);
      return invalid_parameter(name, value, std::string("The query parameters [").append(name).append(
                                                "] is not one of [").append(known).append("]"));
    }
    if (auto problem = check_value(name, value)) return problem;
  }
  return std::nullopt;
}

std::optional<std::string> query_value(const QueryParameters& query, std::string_view name) {
  std::optional<std::string> value;
  for (const auto& [key, text] : query)
    if (key == name) value = text;
  return value;
}

}  // namespace fake_x_api
