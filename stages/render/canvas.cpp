#include "canvas.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "card_geometry.hpp"
#include "image_scale.hpp"

namespace pipectl::render {

namespace {

// Source-over with a premultiplied source (channels already multiplied by `sa`, all 0..255)
// onto a straight-alpha destination. Cards are opaque, so the opaque-destination case is
// the one that matters for speed; the general case keeps the canvas correct for any use.
inline void over(std::uint8_t* dst, unsigned sr, unsigned sg, unsigned sb, unsigned sa) {
  if (sa == 0) return;
  const unsigned da = dst[3];
  if (da == 255 || sa == 255) {
    const unsigned keep = 255 - sa;
    dst[0] = static_cast<std::uint8_t>(sr + (dst[0] * keep + 127) / 255);
    dst[1] = static_cast<std::uint8_t>(sg + (dst[1] * keep + 127) / 255);
    dst[2] = static_cast<std::uint8_t>(sb + (dst[2] * keep + 127) / 255);
    dst[3] = static_cast<std::uint8_t>(sa + (da * keep + 127) / 255);
    return;
  }
  const float a = sa / 255.0f, b = da / 255.0f * (1.0f - a);
  const float out_a = a + b;
  const unsigned src[3] = {sr, sg, sb};
  for (int c = 0; c < 3; ++c)
    dst[c] =
        static_cast<std::uint8_t>(std::lround(std::min(255.0f, (src[c] + dst[c] * b) / out_a)));
  dst[3] = static_cast<std::uint8_t>(std::lround(out_a * 255.0f));
}

// A straight colour at `coverage` (0..255) of its own alpha, as a premultiplied source.
inline void over_color(std::uint8_t* dst, Color color, unsigned coverage) {
  const unsigned a = (color.a * coverage + 127) / 255;
  over(dst, (color.r * a + 127) / 255, (color.g * a + 127) / 255, (color.b * a + 127) / 255, a);
}

}  // namespace

Canvas::Canvas(int width, int height, Color fill) : width_(width), height_(height) {
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
    throw std::invalid_argument("canvas size " + std::to_string(width) + "x" +
                                std::to_string(height) + " is out of range (1..16384)");
  rgba_.resize(static_cast<std::size_t>(width) * height * 4);
  clear(fill);
}

void Canvas::clear(Color fill) {
  // One row set pixel by pixel, then copied down: whole-row copies are memcpy speed.
  const std::uint8_t px[4] = {fill.r, fill.g, fill.b, fill.a};
  const std::size_t row = static_cast<std::size_t>(width_) * 4;
  for (std::size_t i = 0; i < row; i += 4) std::copy(px, px + 4, rgba_.begin() + static_cast<std::ptrdiff_t>(i));
  for (std::size_t offset = row; offset < rgba_.size(); offset += row)
    std::copy_n(rgba_.begin(), row, rgba_.begin() + static_cast<std::ptrdiff_t>(offset));
}

Color Canvas::at(int x, int y) const {
  if (!bounds().contains(x, y)) throw std::out_of_range("pixel outside the canvas");
  const std::uint8_t* p = rgba_.data() + (static_cast<std::size_t>(y) * width_ + x) * 4;
  return {p[0], p[1], p[2], p[3]};
}

void Canvas::fill_rect(const Rect& rect, Color color) {
  const Rect r = rect.intersection(bounds());
  for (int y = r.y; y < r.bottom(); ++y) fill_span(r.x, r.right(), y, color);
}

void Canvas::fill_span(int x0, int x1, int y, Color color) {
  if (color.a == 255) {  // the common case (card panels, placeholders): plain stores
    const std::uint8_t px[4] = {color.r, color.g, color.b, 255};
    for (std::uint8_t* p = pixel(x0, y); x0 < x1; ++x0, p += 4) std::copy(px, px + 4, p);
    return;
  }
  for (int x = x0; x < x1; ++x) over_color(pixel(x, y), color, 255);
}

void Canvas::fill_rounded_rect(const Rect& rect, int radius, Color color) {
  radius = std::clamp(radius, 0, std::min(rect.width, rect.height) / 2);
  const Rect r = rect.intersection(bounds());
  if (r.empty()) return;
  // Corner centres, in pixel-centre coordinates. A pixel in a corner square is covered by how
  // far its centre lies inside the arc, clamped to one pixel of ramp: cheap, smooth enough.
  const float left = rect.x + radius, right = rect.right() - radius;
  const float top = rect.y + radius, bottom = rect.bottom() - radius;
  for (int y = r.y; y < r.bottom(); ++y) {
    const float cy = y + 0.5f;
    if (cy >= top && cy <= bottom) {  // between the corners a row is one solid span
      fill_span(r.x, r.right(), y, color);
      continue;
    }
    for (int x = r.x; x < r.right(); ++x) {
      const float cx = x + 0.5f;
      float dx = cx < left ? left - cx : (cx > right ? cx - right : 0.0f);
      float dy = cy < top ? top - cy : (cy > bottom ? cy - bottom : 0.0f);
      unsigned coverage = 255;
      if (dx > 0 && dy > 0) {
        const float inside = radius - std::sqrt(dx * dx + dy * dy) + 0.5f;
        if (inside <= 0) continue;
        if (inside < 1) coverage = static_cast<unsigned>(inside * 255.0f);
      }
      over_color(pixel(x, y), color, coverage);
    }
  }
}

void Canvas::fill_triangle(const Point& a, const Point& b, const Point& c, Color color) {
  // Twice the signed area of (p, q, r): which side of the edge p→q the point r lies on.
  auto side = [](const Point& p, const Point& q, double rx, double ry) {
    return (q.x - p.x) * (ry - p.y) - (q.y - p.y) * (rx - p.x);
  };
  const double orientation = side(a, b, c.x, c.y);
  if (orientation == 0) return;
  const double sign = orientation > 0 ? 1.0 : -1.0;
  const Rect box = Rect{static_cast<int>(std::floor(std::min({a.x, b.x, c.x}))),
                        static_cast<int>(std::floor(std::min({a.y, b.y, c.y}))), 0, 0};
  const Rect r = Rect{box.x, box.y,
                      static_cast<int>(std::ceil(std::max({a.x, b.x, c.x}))) - box.x + 1,
                      static_cast<int>(std::ceil(std::max({a.y, b.y, c.y}))) - box.y + 1}
                     .intersection(bounds());
  for (int y = r.y; y < r.bottom(); ++y)
    for (int x = r.x; x < r.right(); ++x) {
      unsigned inside = 0;
      for (int sy = 0; sy < 4; ++sy)
        for (int sx = 0; sx < 4; ++sx) {
          const double px = x + (sx + 0.5) / 4, py = y + (sy + 0.5) / 4;
          inside += sign * side(a, b, px, py) >= 0 && sign * side(b, c, px, py) >= 0 &&
                    sign * side(c, a, px, py) >= 0;
        }
      if (inside) over_color(pixel(x, y), color, inside * 255 / 16);
    }
}

void Canvas::blend_mask(int x, int y, const std::uint8_t* mask, int width, int height, int pitch,
                        Color color, const Rect& clip) {
  const Rect r = Rect{x, y, width, height}.intersection(clip).intersection(bounds());
  for (int py = r.y; py < r.bottom(); ++py) {
    const std::uint8_t* row = mask + static_cast<std::ptrdiff_t>(py - y) * pitch;
    for (int px = r.x; px < r.right(); ++px)
      if (unsigned coverage = row[px - x]) over_color(pixel(px, py), color, coverage);
  }
}

void Canvas::blend_premultiplied(int x, int y, const std::uint8_t* rgba, int width, int height,
                                 const Rect& clip) {
  const Rect r = Rect{x, y, width, height}.intersection(clip).intersection(bounds());
  for (int py = r.y; py < r.bottom(); ++py) {
    const std::uint8_t* row = rgba + static_cast<std::size_t>(py - y) * width * 4;
    for (int px = r.x; px < r.right(); ++px) {
      const std::uint8_t* s = row + (px - x) * 4;
      over(pixel(px, py), s[0], s[1], s[2], s[3]);
    }
  }
}

void Canvas::draw_image(const std::uint8_t* rgba, int width, int height, const Rect& dst,
                        const Rect& clip) {
  draw_image_part(rgba, width, height, {0, 0, width, height}, dst, clip);
}

void Canvas::draw_image_part(const std::uint8_t* rgba, int width, int height, const Rect& source,
                             const Rect& dst, const Rect& clip) {
  const Rect part = source.intersection({0, 0, width, height});
  if (part.empty() || dst.empty() || dst.intersection(clip).intersection(bounds()).empty()) return;
  // Scaled row by row straight onto the canvas: no copy of the photo is made at any size.
  scale_rows(view_of(rgba, width, part), Alpha::straight, dst.width, dst.height, [&](int y, const std::uint8_t* row) {
    blend_premultiplied(dst.x, dst.y + y, row, dst.width, 1, clip);
  });
}

void Canvas::draw_image_in_circle(const std::uint8_t* rgba, int width, int height, const Rect& square) {
  const int side = std::min(square.width, square.height);
  if (width <= 0 || height <= 0 || side <= 0) return;
  // The centred square of the picture, scaled to the circle's size; each pixel keeps the
  // share of it that lies inside the circle (premultiplied: all four channels scale together).
  const PixelView view = view_of(rgba, width, crop_to_fill(width, height, {0, 0, side, side}));
  const double radius = side / 2.0;
  std::vector<std::uint8_t> masked(static_cast<std::size_t>(side) * 4);
  scale_rows(view, Alpha::straight, side, side, [&](int y, const std::uint8_t* row) {
    std::copy_n(row, masked.size(), masked.begin());
    for (int x = 0; x < side; ++x) {
      const double distance = std::hypot(x + 0.5 - radius, y + 0.5 - radius);
      const double inside = std::clamp(radius - distance + 0.5, 0.0, 1.0);
      if (inside >= 1.0) continue;
      std::uint8_t* p = masked.data() + static_cast<std::size_t>(x) * 4;
      for (int c = 0; c < 4; ++c) p[c] = static_cast<std::uint8_t>(std::lround(p[c] * inside));
    }
    blend_premultiplied(square.x, square.y + y, masked.data(), side, 1, bounds());
  });
}

}  // namespace pipectl::render
