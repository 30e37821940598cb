// When to try a failed request again: capped exponential backoff with full jitter (the wait
// before retry n is uniform in [0, min(cap, base * 2^(n-1))]), so clients that failed together
// do not come back together. For 5xx answers and connection faults, not for rate limits (those
// say when to come back).
#pragma once

#include <chrono>
#include <random>

namespace pipectl::net {

struct Backoff {
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{30000};
  int max_attempts = 5;  // attempts in all, the first one included

  // Whether another attempt may follow `attempt` (1-based: the one that just failed).
  bool may_retry(int attempt) const { return attempt >= 1 && attempt < max_attempts; }
  // The longest wait after `attempt` failed: min(cap, base * 2^(attempt-1)); 0 for attempt < 1.
  std::chrono::milliseconds ceiling(int attempt) const;
  // The wait after `attempt` failed, uniform in [0, ceiling(attempt)] (whole milliseconds).
  // The same seed gives the same waits, on any standard library: only the engine's raw output
  // is used, never a std:: distribution (whose algorithm is left to the implementation).
  std::chrono::milliseconds delay(int attempt, std::mt19937& random) const;
};

}  // namespace pipectl::net
