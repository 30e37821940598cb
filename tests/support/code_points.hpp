// Reading entity offsets in tests: they count Unicode code points of a UTF-8 text.
#pragma once

#include <string>

namespace pipectl::test {

// Code points [start, end) of UTF-8 `text`, as UTF-8.
std::string slice_code_points(const std::string& text, int start, int end);

}  // namespace pipectl::test
