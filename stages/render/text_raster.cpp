#include "text_raster.hpp"

#include <cmath>
#include <functional>
#include <stdexcept>

#include FT_OUTLINE_H

#include "card_geometry.hpp"
#include "image_scale.hpp"

namespace pipectl::render {

namespace {

// Bounded so that a long run of cards in many sizes cannot grow the cache without end; a
// card uses a few hundred glyph images.
constexpr std::size_t kMaxCachedGlyphs = 2048;

}  // namespace

std::size_t TextRaster::KeyHash::operator()(const Key& key) const noexcept {
  std::size_t h = std::hash<const void*>()(key.font);
  h = h * 31 + key.glyph;
  h = h * 31 + static_cast<std::size_t>(key.size_64);
  return h * 31 + static_cast<std::size_t>(key.phase);
}

TextRaster::GlyphImage TextRaster::render_outline(Font& font, unsigned glyph, int size_64,
                                                  int phase) {
  GlyphImage image;
  FT_Face face = font.ft_face();
  // 72 dpi makes the size in points equal the size in pixels.
  if (FT_Set_Char_Size(face, 0, size_64, 72, 72) != 0) return image;
  // Unhinted, to match the advances HarfBuzz shaped with.
  if (FT_Load_Glyph(face, glyph, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP) != 0) return image;
  FT_GlyphSlot slot = face->glyph;
  if (slot->format != FT_GLYPH_FORMAT_OUTLINE) return image;
  FT_Outline_Translate(&slot->outline, phase * 64 / kSubpixelSteps, 0);
  if (FT_Render_Glyph(slot, FT_RENDER_MODE_NORMAL) != 0) return image;
  const FT_Bitmap& bitmap = slot->bitmap;
  if (bitmap.pixel_mode != FT_PIXEL_MODE_GRAY) return image;

  image.left = slot->bitmap_left;
  image.top = slot->bitmap_top;
  image.width = static_cast<int>(bitmap.width);
  image.height = static_cast<int>(bitmap.rows);
  image.pixels.resize(static_cast<std::size_t>(image.width) * image.height);
  for (int y = 0; y < image.height; ++y) {
    const unsigned char* row = bitmap.buffer + static_cast<std::ptrdiff_t>(y) * bitmap.pitch;
    std::copy(row, row + image.width,
              image.pixels.begin() + static_cast<std::ptrdiff_t>(y) * image.width);
  }
  return image;
}

TextRaster::GlyphImage TextRaster::render_color_bitmap(Font& font, unsigned glyph, int size_64) {
  GlyphImage image;
  FT_Face face = font.ft_face();  // its strike was selected when the font was opened
  if (FT_Load_Glyph(face, glyph, FT_LOAD_COLOR) != 0) return image;
  const FT_Bitmap& bitmap = face->glyph->bitmap;
  if (bitmap.pixel_mode != FT_PIXEL_MODE_BGRA || bitmap.width == 0 || bitmap.rows == 0)
    return image;

  // FreeType gives premultiplied BGRA; the canvas blends premultiplied RGBA.
  const int w = static_cast<int>(bitmap.width), h = static_cast<int>(bitmap.rows);
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y) {
    const unsigned char* row = bitmap.buffer + static_cast<std::ptrdiff_t>(y) * bitmap.pitch;
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = rgba.data() + (static_cast<std::size_t>(y) * w + x) * 4;
      p[0] = row[x * 4 + 2];
      p[1] = row[x * 4 + 1];
      p[2] = row[x * 4 + 0];
      p[3] = row[x * 4 + 3];
    }
  }

  // The strike is drawn at its own ppem (109 px for Noto Color Emoji); the shaped advances
  // are for the text size, so the image scales by the same ratio.
  const double scale = size_64 / 64.0 / font.strike_ppem();
  image.color = true;
  image.width = std::max(1, static_cast<int>(std::lround(w * scale)));
  image.height = std::max(1, static_cast<int>(std::lround(h * scale)));
  image.left = static_cast<int>(std::lround(face->glyph->bitmap_left * scale));
  image.top = static_cast<int>(std::lround(face->glyph->bitmap_top * scale));
  image.pixels = scale_premultiplied(rgba.data(), w, h, image.width, image.height);
  return image;
}

const TextRaster::GlyphImage& TextRaster::glyph_image(Font& font, unsigned glyph, int size_64,
                                                      int phase) {
  const bool color = font.is_color_bitmap();
  if (color) phase = 0;  // bitmaps are not re-rendered at subpixel offsets
  const Key key{&font, glyph, size_64, phase};
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  if (cache_.size() >= kMaxCachedGlyphs) cache_.clear();
  GlyphImage image = color ? render_color_bitmap(font, glyph, size_64)
                           : render_outline(font, glyph, size_64, phase);
  return cache_.emplace(key, std::move(image)).first->second;
}

Rect TextRaster::image_rect(const PlacedImage& image, const items::Image& picture, int x, int y) {
  const int left = static_cast<int>(std::lround(x + image.x));
  const int top = static_cast<int>(std::lround(y + image.y));
  const int side = std::max(1, static_cast<int>(std::lround(image.side)));
  return fit_rect(picture.width, picture.height, {left, top, side, side});
}

void TextRaster::draw(Canvas& canvas, const TextLayout& layout, int x, int y, Color color,
                      const Rect& clip, Color accent, std::span<const items::Image* const> pictures) {
  for (const PlacedImage& placed : layout.images) {
    if (placed.index < 0 || static_cast<std::size_t>(placed.index) >= pictures.size()) continue;
    const items::Image* picture = pictures[static_cast<std::size_t>(placed.index)];
    if (!picture || !has_pixels(*picture)) continue;
    canvas.draw_image(picture->rgba.data(), picture->width, picture->height, image_rect(placed, *picture, x, y),
                      clip);
  }
  const int size_64 = static_cast<int>(std::lround(layout.size * 64));
  if (size_64 <= 0) return;
  for (const PlacedGlyph& g : layout.glyphs) {
    const double pen_x = x + g.x;
    const int steps = static_cast<int>(std::lround(pen_x * kSubpixelSteps));
    // Floor division: pen positions left of the canvas are negative.
    const int whole =
        steps >= 0 ? steps / kSubpixelSteps : -((-steps + kSubpixelSteps - 1) / kSubpixelSteps);
    const int phase = steps - whole * kSubpixelSteps;
    const int baseline = y + static_cast<int>(std::lround(g.baseline));
    const GlyphImage& image = glyph_image(*g.font, g.glyph, size_64, phase);
    if (image.width == 0 || image.height == 0) continue;
    const int left = whole + image.left, top = baseline - image.top;
    if (image.color)
      canvas.blend_premultiplied(left, top, image.pixels.data(), image.width, image.height, clip);
    else
      canvas.blend_mask(left, top, image.pixels.data(), image.width, image.height, image.width,
                        g.ink == 1 ? accent : color, clip);
  }
}

}  // namespace pipectl::render
