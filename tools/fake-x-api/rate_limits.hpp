// The API's rate limits: N requests per window per endpoint (15 minutes on the real API), the
// window starting at its first request. Every API answer reports the state in x-rate-limit-*.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "endpoint.hpp"

namespace fake_x_api {

struct RateState {
  bool allowed = true;        // false: answer 429
  long limit = 0;             // x-rate-limit-limit
  long remaining = 0;         // x-rate-limit-remaining, after this request
  std::int64_t reset = 0;     // x-rate-limit-reset: the window's end, epoch seconds
};

class RateLimits {
 public:
  RateLimits(long limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

  // Counts one request at `endpoint` (user_lookup or timeline) at `now`.
  RateState take(Endpoint endpoint, std::chrono::system_clock::time_point now);

 private:
  struct Window {
    std::int64_t reset = 0;
    long used = 0;
  };
  long limit_;
  std::chrono::seconds window_;
  std::array<Window, 2> windows_{};
};

}  // namespace fake_x_api
