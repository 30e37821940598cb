#include "rate_limit.hpp"

#include <algorithm>
#include <cctype>

namespace pipectl::fetch {

namespace {

std::optional<long long> whole_number(const std::map<std::string, std::string>& headers, const char* name) {
  auto found = headers.find(name);
  if (found == headers.end() || found->second.empty() || found->second.size() > 18) return std::nullopt;
  for (char c : found->second)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  return std::stoll(found->second);
}

}  // namespace

RateLimit read_rate_limit(const std::map<std::string, std::string>& headers) {
  RateLimit limit;
  limit.remaining = whole_number(headers, "x-rate-limit-remaining");
  if (auto reset = whole_number(headers, "x-rate-limit-reset"))
    limit.reset = std::chrono::sys_seconds(std::chrono::seconds(*reset));
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
