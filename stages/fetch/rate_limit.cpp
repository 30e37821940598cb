#include "rate_limit.hpp"

#include <algorithm>
#include <cctype>

#include "rfc3339_time.hpp"

namespace pipectl::fetch {

namespace {

std::optional<long long> whole_number(const std::map<std::string, std::string>& headers, const std::string& name) {
  auto found = headers.find(name);
  if (found == headers.end() || found->second.empty() || found->second.size() > 18) return std::nullopt;
  for (char c : found->second)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  return std::stoll(found->second);
}

}  // namespace

RateLimit read_rate_limit(const std::map<std::string, std::string>& headers, const RateLimitHeaders& names,
                          std::chrono::sys_seconds now) {
  RateLimit limit;
  limit.remaining = whole_number(headers, names.prefix + "remaining");
  if (names.reset == ResetFormat::epoch_seconds) {
    if (auto reset = whole_number(headers, names.prefix + "reset"))
      limit.reset = std::chrono::sys_seconds(std::chrono::seconds(*reset));
  } else if (auto found = headers.find(names.prefix + "reset"); found != headers.end()) {
    limit.reset = parse_rfc3339(found->second);
  }
  if (!limit.reset && now != std::chrono::sys_seconds{})
    if (auto after = whole_number(headers, "retry-after")) limit.reset = now + std::chrono::seconds(*after);
  return limit;
}

std::chrono::seconds rate_limit_wait(const RateLimit& limit, bool refused, std::chrono::sys_seconds now,
                                     std::chrono::seconds fallback) {
  bool exhausted = refused || (limit.remaining && *limit.remaining == 0);
  if (!exhausted) return std::chrono::seconds(0);
  if (!limit.reset) return refused ? fallback : std::chrono::seconds(0);
  return std::max(std::chrono::seconds(0), *limit.reset - now + std::chrono::seconds(1));
}

}  // namespace pipectl::fetch
