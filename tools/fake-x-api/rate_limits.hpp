// The APIs' rate limits: N requests per window per endpoint (15 minutes on X), the window
// starting at its first request. Every API answer reports the state in its network's
// rate-limit headers (network_replies.hpp).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "endpoint.hpp"

namespace fake_x_api {

struct RateState {
  bool allowed = true;        // false: answer 429
  long limit = 0;             // requests per window
  long remaining = 0;         // after this request
  std::int64_t reset = 0;     // the window's end, epoch seconds
  long window_seconds = 0;    // the window's length (Bluesky's ratelimit-policy says it)
};

class RateLimits {
 public:
  RateLimits(long limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

  // Counts one request at an API endpoint (one of the first api_endpoint_count) at `now`.
  RateState take(Endpoint endpoint, std::chrono::system_clock::time_point now);

 private:
  struct Window {
    std::int64_t reset = 0;
    long used = 0;
  };
  long limit_;
  std::chrono::seconds window_;
  std::array<Window, api_endpoint_count> windows_{};
};

}  // namespace fake_x_api
