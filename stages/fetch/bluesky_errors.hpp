// Bluesky's refusals. An XRPC server answers a request it will not serve with a 4xx status and
// {"error": "<Name>", "message": "<words>"}; a stored dataset may hold the same object in place
// of a profile. Both become one sentence that names the handle and keeps Bluesky's own words.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace pipectl::fetch {

struct XrpcError {
  std::string error;    // "InvalidRequest", "AccountTakedown", ...
  std::string message;  // may be empty
};

// The error object `body` holds, or nullopt when it is not one (not JSON, no "error" string).
std::optional<XrpcError> read_xrpc_error(std::string_view body);
std::optional<XrpcError> read_xrpc_error(const boost::json::object& body);

// "no Bluesky account has the handle 'x' (InvalidRequest: Profile not found)",
// "the Bluesky account 'x' has been taken down (AccountTakedown: ...)", ...
std::string xrpc_error_text(const XrpcError& error, const std::string& handle);

}  // namespace pipectl::fetch
