#include "count_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace pipectl::render {

namespace {

std::string with_noun(std::int64_t count, const char* singular, const char* plural) {
  return compact_count(count).append(" ").append(count == 1 ? singular : plural);
}

// One decimal below ten units ("1.2K"), none above ("12K" would lose nothing worth keeping
// at 123K, and a card is read in three seconds).
std::string scaled(std::int64_t count, std::int64_t unit, char suffix) {
  char text[32];
  const double value = static_cast<double>(count) / static_cast<double>(unit);
  if (value < 10)
    std::snprintf(text, sizeof text, "%.1f%c", static_cast<double>(count / (unit / 10)) / 10, suffix);
  else
    std::snprintf(text, sizeof text, "%lld%c", static_cast<long long>(count / unit), suffix);
  std::string result = text;
  // "1.0K" reads better as "1K".
  if (const auto dot = result.find(".0"); dot != std::string::npos) result.erase(dot, 2);
  return result;
}

}  // namespace

std::string grouped_count(std::int64_t count) {
  const std::string digits = std::to_string(count < 0 ? 0 : count);
  std::string result;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) result.push_back(',');
    result.push_back(digits[i]);
  }
  return result;
}

std::string compact_count(std::int64_t count) {
  if (count < 10'000) return grouped_count(count);
  if (count < 1'000'000) return scaled(count, 1'000, 'K');
  if (count < 1'000'000'000) return scaled(count, 1'000'000, 'M');
  return scaled(count, 1'000'000'000, 'B');
}

namespace {

std::string joined(const std::vector<std::string>& parts, const char* separator) {
  std::string text;
  for (const std::string& part : parts) text.append(text.empty() ? "" : separator).append(part);
  return text;
}

}  // namespace

std::string footer_text(const items::Metrics& metrics) {
  std::vector<std::string> parts;
  if (metrics.replies > 0) parts.push_back(with_noun(metrics.replies, "reply", "replies"));
  if (metrics.reposts > 0) parts.push_back(with_noun(metrics.reposts, "repost", "reposts"));
  if (metrics.likes > 0) parts.push_back(with_noun(metrics.likes, "like", "likes"));
  if (metrics.quotes > 0) parts.push_back(with_noun(metrics.quotes, "quote", "quotes"));
  return joined(parts, "  \u00B7  ");
}

std::string day_posts_text(std::int64_t posts, std::int64_t reposts) {
  std::string text = grouped_count(posts).append(posts == 1 ? " post" : " posts");
  if (reposts > 0) text.append(" and ").append(grouped_count(reposts)).append(reposts == 1 ? " repost" : " reposts");
  return text;
}

std::string cut_note(int characters) {
  return std::string("\u2026 ").append(grouped_count(characters)).append(characters == 1 ? " more character" : " more characters");
}

std::string percent_text(double share) {
  const double percent = std::isfinite(share) ? std::clamp(share, 0.0, 1.0) * 100 : 0;
  return std::to_string(std::lround(percent)).append("%");
}

std::string poll_summary(std::optional<std::int64_t> voters, int hidden, bool closed) {
  std::vector<std::string> parts;
  if (hidden > 0) parts.push_back(std::string("\u2026 ").append(grouped_count(hidden)).append(hidden == 1 ? " more option" : " more options"));
  if (voters) parts.push_back(grouped_count(*voters).append(*voters == 1 ? " person" : " people"));
  if (closed) parts.push_back("Final results");
  return joined(parts, " \u00B7 ");
}

}  // namespace pipectl::render
