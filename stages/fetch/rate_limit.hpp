// The X API's rate-limit headers: x-rate-limit-limit, -remaining and -reset (epoch seconds
// when the window starts again). A 429 says "wait until reset"; a last call that leaves
// nothing remaining says the same for the next one.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace pipectl::fetch {

struct RateLimit {
  std::optional<long long> remaining;
  std::optional<std::chrono::sys_seconds> reset;
};

// From lower-case header names; absent or malformed headers stay empty.
RateLimit read_rate_limit(const std::map<std::string, std::string>& headers);

// How long to wait before the next call: until `reset` (plus a second, as the API's clock and
// ours differ) when a 429 came (`refused`) or nothing remains; zero otherwise. A missing reset
// on a 429 means `fallback`.
std::chrono::seconds rate_limit_wait(const RateLimit& limit, bool refused, std::chrono::sys_seconds now,
                                     std::chrono::seconds fallback = std::chrono::seconds(60));

}  // namespace pipectl::fetch
