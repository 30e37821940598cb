// Fixed windows per endpoint, as the rate-limit headers of the real APIs describe them.
#include "rate_limits.hpp"

namespace fake_x_api {

RateState RateLimits::take(Endpoint endpoint, std::chrono::system_clock::time_point now) {
  Window& window = windows_.at(static_cast<std::size_t>(endpoint));
  auto now_epoch = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  if (now_epoch >= window.reset) {
    window.reset = now_epoch + window_.count();
    window.used = 0;
  }
  RateState state;
  state.limit = limit_;
  state.reset = window.reset;
  state.window_seconds = static_cast<long>(window_.count());
  state.allowed = window.used < limit_;
  if (state.allowed) ++window.used;
  state.remaining = limit_ - window.used;
  return state;
}

}  // namespace fake_x_api
