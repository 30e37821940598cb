// Handles (usernames) name the same account whatever their case: X treats @Orbit_Daily and
// @orbit_daily as one, and sources write either.
#pragma once

#include <string_view>

namespace pipectl::fetch {

inline bool same_username(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

}  // namespace pipectl::fetch
