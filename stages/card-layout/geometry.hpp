// Pixel rectangles and colours shared by the layout and the rasteriser.
#pragma once

#include <algorithm>
#include <cstdint>

namespace pipectl::render {

// Integer pixel rectangle, half-open: covers x <= px < x + width, y <= py < y + height.
struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;

  int right() const { return x + width; }
  int bottom() const { return y + height; }
  bool empty() const { return width <= 0 || height <= 0; }
  bool contains(int px, int py) const {
    return px >= x && px < right() && py >= y && py < bottom();
  }
  bool contains(const Rect& other) const {
    return other.empty() ||
           (other.x >= x && other.y >= y && other.right() <= right() && other.bottom() <= bottom());
  }
  bool intersects(const Rect& other) const {
    return !empty() && !other.empty() && x < other.right() && other.x < right() &&
           y < other.bottom() && other.y < bottom();
  }
  Rect intersection(const Rect& other) const {
    int left = std::max(x, other.x), top = std::max(y, other.y);
    int r = std::min(right(), other.right()), b = std::min(bottom(), other.bottom());
    if (r <= left || b <= top) return {left, top, 0, 0};
    return {left, top, r - left, b - top};
  }
  // Shrunk by `d` on every side (never to a negative size).
  Rect inset(int d) const {
    return {x + d, y + d, std::max(0, width - 2 * d), std::max(0, height - 2 * d)};
  }
  bool operator==(const Rect&) const = default;
};

struct Point {
  double x = 0;
  double y = 0;
};

// Straight (not premultiplied) 8-bit RGBA.
struct Color {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
  std::uint8_t a = 255;

  static constexpr Color rgb(std::uint32_t hex) {
    return {static_cast<std::uint8_t>(hex >> 16), static_cast<std::uint8_t>(hex >> 8),
            static_cast<std::uint8_t>(hex), 255};
  }
  bool operator==(const Color&) const = default;
};

}  // namespace pipectl::render
