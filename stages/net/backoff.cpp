#include "backoff.hpp"

#include <algorithm>
#include <cstdint>

namespace pipectl::net {

std::chrono::milliseconds Backoff::ceiling(int attempt) const {
  if (attempt < 1 || base.count() <= 0 || cap.count() <= 0) return std::chrono::milliseconds(0);
  const std::int64_t limit = cap.count();
  std::int64_t value = base.count();
  // Doubling stops at the cap, so no shift can overflow however many attempts there were.
  for (int i = 1; i < attempt && value < limit; ++i) value *= 2;
  return std::chrono::milliseconds(std::min(value, limit));
}

std::chrono::milliseconds Backoff::delay(int attempt, std::mt19937& random) const {
  const auto most = static_cast<std::uint64_t>(ceiling(attempt).count());
  if (most == 0) return std::chrono::milliseconds(0);
  // 64 random bits modulo a range of at most a few million: the bias is below 1e-12.
  const std::uint64_t bits = (static_cast<std::uint64_t>(random()) << 32) | random();
  return std::chrono::milliseconds(static_cast<std::int64_t>(bits % (most + 1)));
}

}  // namespace pipectl::net
