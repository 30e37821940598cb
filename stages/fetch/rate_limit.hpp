// Rate-limit headers. Every service says how many calls its window has left and when the
// window starts again, each in its own words:
//   X:        x-rate-limit-remaining, x-rate-limit-reset (epoch seconds)
//   Bluesky:  ratelimit-remaining,    ratelimit-reset    (epoch seconds; atproto's servers,
//             not the IETF draft's delta) and Retry-After (seconds) on a 429
//   Mastodon: x-ratelimit-remaining,  x-ratelimit-reset  (an ISO 8601 time)
// A 429 says "wait until reset"; a last call that leaves nothing remaining says the same for
// the next one.
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

enum class ResetFormat { epoch_seconds, iso_8601 };

struct RateLimitHeaders {
  std::string prefix;  // "x-rate-limit-": the names are prefix + "remaining" / "reset"
  ResetFormat reset = ResetFormat::epoch_seconds;
};

inline const RateLimitHeaders x_rate_limit_headers{"x-rate-limit-", ResetFormat::epoch_seconds};
inline const RateLimitHeaders bluesky_rate_limit_headers{"ratelimit-", ResetFormat::epoch_seconds};
inline const RateLimitHeaders mastodon_rate_limit_headers{"x-ratelimit-", ResetFormat::iso_8601};

// From lower-case header names; absent or malformed headers stay empty. Without a reset, a
// Retry-After of whole seconds counts from `now`.
RateLimit read_rate_limit(const std::map<std::string, std::string>& headers,
                          const RateLimitHeaders& names = x_rate_limit_headers,
                          std::chrono::sys_seconds now = {});

// How long to wait before the next call: until `reset` (plus a second, as the API's clock and
// ours differ) when a 429 came (`refused`) or nothing remains; zero otherwise. A missing reset
// on a 429 means `fallback`.
std::chrono::seconds rate_limit_wait(const RateLimit& limit, bool refused, std::chrono::sys_seconds now,
                                     std::chrono::seconds fallback = std::chrono::seconds(60));

}  // namespace pipectl::fetch
