// From all posts a source found to the posts of the day, in the order they are shown.
#pragma once

#include <vector>

#include "day_window.hpp"
#include "items/post.hpp"
#include "problems.hpp"

namespace pipectl::fetch {

// Keeps the posts inside `window`, drops duplicates (the same id on two pages), sorts them by
// created_at (ties by numeric id, which grows with time), and numbers them (index, day_count, day_reposts).
// Each duplicate is reported through `warn`.
std::vector<items::Post> select_day(std::vector<items::Post> posts, const DayWindow& window, const Warn& warn = {});

}  // namespace pipectl::fetch
