// Draws laid-out text: FreeType renders outline glyphs as coverage masks blended in the
// text colour, and colour emoji come from their bitmap strike, scaled to the text size.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "canvas.hpp"
#include "fonts.hpp"
#include "items/media.hpp"
#include "text_layout.hpp"

namespace pipectl::render {

class TextRaster {
 public:
  TextRaster() = default;
  TextRaster(const TextRaster&) = delete;
  TextRaster& operator=(const TextRaster&) = delete;

  // Draws `layout` with its box's top-left corner at (x, y); nothing outside `clip` changes.
  // Glyphs of ink 1 are drawn in `accent`, the others in `color`. Inline pictures are
  // `pictures[index]`, fitted in their squares (a null or missing one draws nothing).
  void draw(Canvas& canvas, const TextLayout& layout, int x, int y, Color color, const Rect& clip,
            Color accent, std::span<const items::Image* const> pictures = {});
  // Where `picture`, inline picture `image` of a layout drawn at (x, y), lands: fitted in its
  // square (in whole pixels) with its aspect kept.
  static Rect image_rect(const PlacedImage& image, const items::Image& picture, int x, int y);
  void draw(Canvas& canvas, const TextLayout& layout, int x, int y, Color color, const Rect& clip) {
    draw(canvas, layout, x, y, color, clip, color);
  }

 private:
  // Glyph images are positioned at a quarter of a pixel horizontally: whole pixels make
  // letter spacing visibly uneven at card sizes, finer steps only grow the cache.
  static constexpr int kSubpixelSteps = 4;

  struct Key {
    const Font* font;
    unsigned glyph;
    int size_64;  // text size in 1/64 px
    int phase;    // horizontal offset in 1/kSubpixelSteps px
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const noexcept;
  };
  // `left`, `top`: from the pen position on the baseline to the image's top-left corner
  // (top counts upwards, as in FreeType).
  struct GlyphImage {
    int left = 0;
    int top = 0;
    int width = 0;
    int height = 0;
    bool color = false;                // premultiplied RGBA, else an 8-bit coverage mask
    std::vector<std::uint8_t> pixels;  // rows packed
  };

  const GlyphImage& glyph_image(Font& font, unsigned glyph, int size_64, int phase);
  static GlyphImage render_outline(Font& font, unsigned glyph, int size_64, int phase);
  static GlyphImage render_color_bitmap(Font& font, unsigned glyph, int size_64);

  std::unordered_map<Key, GlyphImage, KeyHash> cache_;
};

}  // namespace pipectl::render
