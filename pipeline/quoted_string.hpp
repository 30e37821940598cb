// The "quoted string" of graph files (and of list items inside them): \" and \\ escape the
// next character. One reader for both places, so the two can never disagree.
#pragma once

#include <optional>
#include <string>

namespace pipectl {

// `i` is at the opening quote. On success returns the value and leaves `i` just after the
// closing quote; nullopt when the string is not closed before the end of `text`.
inline std::optional<std::string> read_quoted_string(const std::string& text, size_t& i) {
  std::string value;
  ++i;
  while (i < text.size()) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      value += text[i + 1];
      i += 2;
    } else if (text[i] == '"') {
      ++i;
      return value;
    } else {
      value += text[i++];
    }
  }
  return std::nullopt;
}

}  // namespace pipectl
