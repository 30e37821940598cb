// The RGBA surface a card is drawn on, with the few drawing operations cards need.
#pragma once

#include <cstdint>
#include <vector>

#include "geometry.hpp"
#include "items/media.hpp"

namespace pipectl::render {

// Whether `image` has a size and holds the pixels its size says: only such a picture is drawn.
inline bool has_pixels(const items::Image& image) {
  return image.width > 0 && image.height > 0 &&
         image.rgba.size() == static_cast<std::size_t>(image.width) * image.height * 4;
}

// 8-bit RGBA, rows packed (stride = 4 * width), straight alpha: the same layout as
// items::Image, so a canvas can be handed on or compared without conversion.
class Canvas {
 public:
  Canvas(int width, int height, Color fill);

  int width() const { return width_; }
  int height() const { return height_; }
  Rect bounds() const { return {0, 0, width_, height_}; }
  const std::vector<std::uint8_t>& rgba() const { return rgba_; }
  Color at(int x, int y) const;

  // Sets every pixel to `fill` (as constructed: no blending).
  void clear(Color fill);

  // Shapes are antialiased on their curved edges; everything is clipped to the canvas.
  void fill_rect(const Rect& rect, Color color);
  void fill_rounded_rect(const Rect& rect, int radius, Color color);
  void fill_circle(const Rect& square, Color color) {
    fill_rounded_rect(square, std::min(square.width, square.height) / 2, color);
  }
  // A triangle with corners in pixel coordinates (pixel centres at +0.5), its edges
  // antialiased by 4x4 samples per pixel: the play badge.
  void fill_triangle(const Point& a, const Point& b, const Point& c, Color color);

  // Blends `color` through an 8-bit coverage mask whose top-left pixel lands on (x, y);
  // nothing outside `clip` changes.
  void blend_mask(int x, int y, const std::uint8_t* mask, int width, int height, int pitch,
                  Color color, const Rect& clip);
  // Blends premultiplied RGBA pixels (stride 4 * width) whose top-left lands on (x, y).
  void blend_premultiplied(int x, int y, const std::uint8_t* rgba, int width, int height,
                           const Rect& clip);
  // Draws a straight-alpha RGBA image scaled to exactly `dst` (the caller keeps the aspect).
  void draw_image(const std::uint8_t* rgba, int width, int height, const Rect& dst,
                  const Rect& clip);
  // The part `source` of the image (in its pixels), scaled to exactly `dst`.
  void draw_image_part(const std::uint8_t* rgba, int width, int height, const Rect& source,
                       const Rect& dst, const Rect& clip);
  // The same, cropped to the centred square of the image and drawn in the circle inscribed in
  // `square` (antialiased edge): avatars.
  void draw_image_in_circle(const std::uint8_t* rgba, int width, int height, const Rect& square);

 private:
  // Fills pixels x0 <= x < x1 of row y, all inside the canvas.
  void fill_span(int x0, int x1, int y, Color color);
  std::uint8_t* pixel(int x, int y) {
    return rgba_.data() + (static_cast<std::size_t>(y) * width_ + x) * 4;
  }

  int width_;
  int height_;
  std::vector<std::uint8_t> rgba_;
};

}  // namespace pipectl::render
