// The request checks the real API makes before anything else: path parameters' patterns and
// the query parameters each endpoint knows (an unknown one, say `post.fields` sent to the
// tweets endpoint of API 2.159, is a 400), with their value ranges.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "endpoint.hpp"

namespace fake_x_api {

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// Each returns nullopt when the request is fine, or the body of the API's HTTP 400 answer.
std::optional<std::string> check_username(std::string_view username);  // ^[A-Za-z0-9_]{1,15}$
std::optional<std::string> check_user_id(std::string_view id);         // ^[0-9]{1,19}$
std::optional<std::string> check_query(Endpoint endpoint, const QueryParameters& query);

// The value of the parameter `name` (the last one given), or nullopt.
std::optional<std::string> query_value(const QueryParameters& query, std::string_view name);

}  // namespace fake_x_api
