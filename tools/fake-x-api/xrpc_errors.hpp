// The error bodies of Bluesky's XRPC servers (atproto's xrpc-server): {"error": Name,
// "message": text}, with the names and texts atproto gives each HTTP status.
#pragma once

#include <string>
#include <string_view>

namespace fake_x_api {

// {"error":"InvalidRequest","message":"Profile not found"}
std::string xrpc_error(std::string_view name, std::string_view message);
// The body for an HTTP error status: 429 {"error":"RateLimitExceeded","message":"Rate Limit
// Exceeded"}, 500 InternalServerError, 502 UpstreamFailure, 503 NotEnoughResources, 504
// UpstreamTimeout ...; a status atproto has no name for is InvalidRequest (4xx) or
// InternalServerError (5xx), as its client maps them.
std::string xrpc_status_error(int status);

}  // namespace fake_x_api
