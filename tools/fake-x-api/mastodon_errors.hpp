// The error bodies of a Mastodon instance: {"error": text}, as its API controllers render
// them (and as a plausible JSON answer of the nginx/Rails in front for the statuses Rails
// itself does not send).
#pragma once

#include <string>
#include <string_view>

namespace fake_x_api {

// {"error":"Record not found"}
std::string mastodon_error(std::string_view message);
// The body for an HTTP error status: 429 {"error":"Too many requests"} (rack-attack's), 404
// {"error":"Record not found"}, others the status' reason ({"error":"Service Unavailable"}),
// as Mastodon's respond_with_error does.
std::string mastodon_status_error(int status);

}  // namespace fake_x_api
