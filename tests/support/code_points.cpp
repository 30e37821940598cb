#include "code_points.hpp"

namespace pipectl::test {

std::string slice_code_points(const std::string& text, int start, int end) {
  std::string result;
  int index = -1;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++index;
    if (index >= start && index < end) result += text[i];
  }
  return result;
}

}  // namespace pipectl::test
