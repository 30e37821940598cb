// Reading fixed-width decimal fields of dates and times: exactly `count` ASCII digits, no
// sign, no spaces (sscanf's %2d would take " 1" and "-1").
#pragma once

#include <optional>
#include <string>

namespace pipectl::fetch {

inline std::optional<int> fixed_digits(const std::string& text, size_t position, size_t count) {
  if (position + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = position; i < position + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace pipectl::fetch
