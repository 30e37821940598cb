// The error bodies of the real X API v2, shape for shape (checked against captured responses
// and the OpenAPI spec in ../shared/reference): problem objects for HTTP errors, an "errors"
// array with HTTP 200 for a user that cannot be shown.
#pragma once

#include <string>
#include <string_view>

namespace fake_x_api {

// HTTP 401: {"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}
std::string unauthorized_problem();
// HTTP 429, 500, 503 ...: the generic problem with the status' reason as title and detail.
std::string status_problem(int status);
// HTTP 200: GET /2/users/by/username/:username for a username nobody has.
std::string username_not_found(std::string_view username);
// HTTP 200: GET /2/users/:id/tweets for an id nobody has.
std::string user_id_not_found(std::string_view id);
// HTTP 400: one query parameter (or path parameter) with a bad value.
std::string invalid_parameter(std::string_view name, std::string_view value, std::string_view message);
// HTTP 404 for a path the API does not have: {"errors":[{"message":"Sorry, that page does not exist","code":34}]}
std::string no_such_page();

}  // namespace fake_x_api
