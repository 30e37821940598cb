#include "select_day.hpp"

#include <algorithm>
#include <set>

namespace pipectl::fetch {

namespace {
// Post ids are decimal numbers that grow with time; compare them as numbers.
bool id_less(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}
}  // namespace

std::vector<items::Post> select_day(std::vector<items::Post> posts, const DayWindow& window, const Warn& warn) {
  std::vector<items::Post> day;
  std::set<std::string> seen;
  for (auto& post : posts) {
    if (!window.contains(post.created_at)) continue;
    if (seen.insert(post.id).second)
      day.push_back(std::move(post));
    else
      warn(problem::duplicate, post.source + ": post " + post.id + " came twice (one card is drawn)");
  }
  std::stable_sort(day.begin(), day.end(), [](const items::Post& a, const items::Post& b) {
    if (a.created_at != b.created_at) return a.created_at < b.created_at;
    return id_less(a.id, b.id);
  });
  // Reposts drawn as their original and reposts whose original was not delivered alike.
  const auto reposts = std::count_if(day.begin(), day.end(), [](const items::Post& p) { return p.is_repost(); });
  for (size_t i = 0; i < day.size(); ++i) {
    day[i].index = static_cast<int>(i);
    day[i].day_count = static_cast<int>(day.size());
    day[i].day_reposts = static_cast<int>(reposts);
  }
  return day;
}

}  // namespace pipectl::fetch
