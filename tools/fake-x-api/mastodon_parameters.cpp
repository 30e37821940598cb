// The few checks a statuses request gets.
#include "mastodon_parameters.hpp"

#include <charconv>

#include "dataset.hpp"

namespace fake_x_api {

std::optional<std::string> check_statuses_query(const QueryParameters& query) {
  for (const auto& [name, value] : query) {
    if (name == "limit") {
      long number = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (error != std::errc() || end != value.data() + value.size())
        return std::string("limit must be a number, not '").append(value).append("'");
    } else if (name == "max_id" || name == "min_id" || name == "since_id") {
      if (!is_safe_token(value)) return std::string(name).append(" is not a valid id: '").append(value).append("'");
    }
  }
  return std::nullopt;
}

}  // namespace fake_x_api
