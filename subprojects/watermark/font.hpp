// A tiny built-in bitmap font, so the plugin needs no library: 5x7 pixel glyphs for A-Z
// (lower case is drawn as upper case), 0-9 and common punctuation.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace watermark {

inline constexpr int glyph_width = 5;
inline constexpr int glyph_height = 7;
inline constexpr int glyph_advance = glyph_width + 1;  // one blank column between glyphs

// Seven rows, top first; bit 4 of each row is the leftmost pixel.
using Glyph = std::array<std::uint8_t, glyph_height>;

// One glyph per code point of `utf8`. Characters the font lacks (and malformed bytes) become a
// hollow box, so the text keeps its length.
std::vector<Glyph> glyphs_for(std::string_view utf8);

}  // namespace watermark
