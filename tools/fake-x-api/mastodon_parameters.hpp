// Checks the query of GET /api/v1/accounts/:id/statuses. Mastodon ignores parameters it does
// not know and clamps `limit` to 40, so little is refused: a limit that is not a whole number,
// and page ids (max_id, min_id, since_id) that could not name a stored page.
#pragma once

#include <optional>
#include <string>

#include "api_parameters.hpp"

namespace fake_x_api {

// nullopt when the query is fine, else the message of the HTTP 400 {"error": ...}.
std::optional<std::string> check_statuses_query(const QueryParameters& query);

}  // namespace fake_x_api
