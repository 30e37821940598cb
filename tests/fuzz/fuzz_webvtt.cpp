// The WebVTT writer: cues with any text (blank lines, CR, NUL, <, &, ill-formed UTF-8, bidi
// controls) and any times (negative, NaN, infinite, huge), then the whole file. Input: cues
// one after the other, each two doubles (start, end; 8 bytes little-endian each), then its
// text up to a NUL byte.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "webvtt.hpp"

namespace {

// "HH:MM:SS.mmm" (hours may have more digits), as players parse a cue's timing.
bool valid_timestamp(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon < 2 || text.size() != colon + 10) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool digit = c >= '0' && c <= '9';
    if (i < colon ? !digit : i == colon || i == colon + 3 ? c != ':' : i == colon + 6 ? c != '.' : !digit)
      return false;
  }
  return text[colon + 1] <= '5' && text[colon + 4] <= '5';
}

// Blocks after the header: "N\nSTART --> END\ntext", never a blank or all-space line (a
// blank line ends a cue, and FFmpeg ends one at a line of spaces) or "-->" in the text.
void check(const std::string& file) {
  if (file == "WEBVTT\n") return;  // no cue
  auto blocks = pipectl::fuzz::split(file, "\n\n");
  if (blocks[0] != "WEBVTT") __builtin_trap();
  for (std::size_t i = 1; i < blocks.size(); ++i) {
    auto lines = pipectl::fuzz::split(blocks[i], "\n");
    if (lines.size() < 3 || lines[0] != std::to_string(i)) __builtin_trap();
    const std::size_t arrow = lines[1].find(" --> ");
    if (arrow == std::string_view::npos || !valid_timestamp(lines[1].substr(0, arrow)) ||
        !valid_timestamp(lines[1].substr(arrow + 5)))
      __builtin_trap();
    for (std::size_t k = 2; k < lines.size(); ++k)
      if ((k + 1 != lines.size() && lines[k].find_first_not_of(" \t") == std::string_view::npos) ||
          lines[k].find("-->") != std::string_view::npos)
        __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl;
  encode::WebVttCues cues;
  for (std::string_view rest = fuzz::as_text(data, size); !rest.empty();) {
    const auto start = fuzz::take<double>(rest);
    const auto end = fuzz::take<double>(rest);
    const std::string_view cue = rest.substr(0, rest.find('\0'));
    rest.remove_prefix(std::min(rest.size(), cue.size() + 1));
    if (!valid_timestamp(encode::vtt_timestamp(start))) __builtin_trap();
    cues.add(start, end, std::string(cue));
  }
  check(cues.file_text());
  return 0;
}
