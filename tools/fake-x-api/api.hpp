// What fake-x-api answers: the X API v2 routes it knows, over a stored dataset, with
// authentication, rate limits and the faults file applied. Pure decisions, no I/O but reading
// the dataset's files and writing the request log: the connection sends what this returns.
#pragma once

#include <optional>
#include <string>

#include "dataset.hpp"
#include "faults.hpp"
#include "rate_limits.hpp"
#include "reply.hpp"
#include "request_log.hpp"

namespace fake_x_api {

struct Request {
  std::string method;
  std::string target;                        // as sent: "/2/users/1/tweets?max_results=100"
  std::optional<std::string> authorization;  // the Authorization header, if any
  long connection = 0;
};

struct ApiSettings {
  std::optional<std::string> token;  // none: no authentication
  std::string base_url;              // "http://127.0.0.1:PORT": media URLs point here
};

class Api {
 public:
  Api(const Dataset& dataset, Faults faults, RateLimits limits, ApiSettings settings, RequestLog& log);

  // Decides the answer to one request and logs it.
  Reply answer(const Request& request);

 private:
  struct Context;  // one request being answered
  Reply route(Context& context);
  Reply user_lookup(Context& context, const std::string& username);
  Reply timeline(Context& context, const std::string& user_id);
  Reply media(Context& context, const std::string& handle_name, const std::string& relative);
  // The stored body with the faults of this request applied (status errors, broken bodies).
  Reply faulty(Context& context, const std::string& handle, Reply normal);
  std::string redacted(std::string text) const;

  const Dataset& dataset_;
  Faults faults_;
  RateLimits limits_;
  ApiSettings settings_;
  RequestLog& log_;
};

}  // namespace fake_x_api
