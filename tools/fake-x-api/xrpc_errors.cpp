// atproto's ResponseType names and texts (packages/xrpc/src/types.ts), built with Boost.JSON.
#include "xrpc_errors.hpp"

#include <boost/json.hpp>

namespace fake_x_api {

namespace {

struct XrpcStatus {
  int status;
  const char* name;
  const char* text;
};

constexpr XrpcStatus xrpc_statuses[] = {
    {400, "InvalidRequest", "Invalid Request"},
    {401, "AuthenticationRequired", "Authentication Required"},
    {403, "Forbidden", "Forbidden"},
    {404, "XRPCNotSupported", "XRPC Not Supported"},
    {406, "NotAcceptable", "Not Acceptable"},
    {413, "PayloadTooLarge", "Payload Too Large"},
    {415, "UnsupportedMediaType", "Unsupported Media Type"},
    {429, "RateLimitExceeded", "Rate Limit Exceeded"},
    {500, "InternalServerError", "Internal Server Error"},
    {501, "MethodNotImplemented", "Method Not Implemented"},
    {502, "UpstreamFailure", "Upstream Failure"},
    {503, "NotEnoughResources", "Not Enough Resources"},
    {504, "UpstreamTimeout", "Upstream Timeout"},
};

}  // namespace

std::string xrpc_error(std::string_view name, std::string_view message) {
  return boost::json::serialize(boost::json::object{{"error", name}, {"message", message}});
}

std::string xrpc_status_error(int status) {
  for (const auto& known : xrpc_statuses)
    if (known.status == status) return xrpc_error(known.name, known.text);
  return status < 500 ? xrpc_error("InvalidRequest", "Invalid Request")
                      : xrpc_error("InternalServerError", "Internal Server Error");
}

}  // namespace fake_x_api
