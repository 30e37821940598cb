#include "sample_pictures.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace pipectl::render {

namespace {

// Only + - * / and sqrt (exactly rounded by IEEE 754), no libm transcendental functions:
// the pixels must not depend on the C library's version.
Color mix(Color a, Color b, double t) {
  t = std::clamp(t, 0.0, 1.0);
  auto channel = [t](std::uint8_t x, std::uint8_t y) {
    return static_cast<std::uint8_t>(x + (y - x) * t + 0.5);  // between x and y: rounds
  };
  return {channel(a.r, b.r), channel(a.g, b.g), channel(a.b, b.b), 255};
}

Color lighter(Color c, double t) { return mix(c, Color::rgb(0xFFFFFF), t); }
Color darker(Color c, double t) { return mix(c, Color::rgb(0x000000), t); }

void put(items::Image& image, int x, int y, Color c) {
  std::uint8_t* p = image.rgba.data() + (static_cast<std::size_t>(y) * image.width + x) * 4;
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
  p[3] = 255;
}

items::Image blank(int width, int height) {
  if (width <= 0 || height <= 0) throw std::invalid_argument("sample picture of no size");
  items::Image image{width, height, {}};
  image.rgba.resize(static_cast<std::size_t>(width) * height * 4);
  return image;
}

Color landscape(double u, double v, double aspect, Color from, Color to) {
  // Hills: two smooth bumps made of parabolas, the nearer one darker.
  const double far_hill = 0.62 - 0.10 * (1 - (2 * u - 0.7) * (2 * u - 0.7));
  const double near_hill = 0.78 - 0.12 * (1 - (2 * u - 1.3) * (2 * u - 1.3));
  if (v > near_hill) return darker(to, 0.35 + 0.3 * (v - near_hill));
  if (v > far_hill) return mix(to, from, 0.25 + 0.5 * (v - far_hill));
  // The sun: a disc with a soft halo, round whatever the aspect ratio.
  const double dx = (u - 0.72) * aspect, dy = v - 0.28;
  const double d = std::sqrt(dx * dx + dy * dy);
  if (d < 0.09) return Color::rgb(0xFFF4C2);
  const Color sky = mix(lighter(from, 0.1), lighter(to, 0.55), v / far_hill);
  return d < 0.16 ? mix(Color::rgb(0xFFE9A0), sky, (d - 0.09) / 0.07) : sky;
}

}  // namespace

items::Image sample_picture(int width, int height, PicturePattern pattern, Color from, Color to) {
  items::Image image = blank(width, height);
  const double aspect = static_cast<double>(width) / height;
  const int cell = std::max(4, std::min(width, height) / 8);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const double u = (x + 0.5) / width, v = (y + 0.5) / height;
      Color c;
      switch (pattern) {
        case PicturePattern::landscape:
          c = landscape(u, v, aspect, from, to);
          break;
        case PicturePattern::stripes: {
          const Color base = mix(from, to, (u + v) / 2);
          c = ((x + y) / std::max(2, cell / 2)) % 2 == 0 ? base : lighter(base, 0.45);
          break;
        }
        case PicturePattern::checker: {
          const bool odd = ((x / cell) + (y / cell)) % 2 == 1;
          c = odd ? mix(from, to, u) : lighter(mix(to, from, v), 0.6);
          if (x == 0 || y == 0 || x == width - 1 || y == height - 1) c = Color::rgb(0xFF0000);
          break;
        }
        case PicturePattern::rings: {
          const double dx = (u - 0.5) * aspect, dy = v - 0.5;
          const double d = std::sqrt(dx * dx + dy * dy);
          const int ring = static_cast<int>(d * 16);
          c = mix(from, to, d * 1.6);
          if (ring % 2 == 1) c = lighter(c, 0.5);
          break;
        }
      }
      put(image, x, y, c);
    }
  return image;
}

items::Image sample_avatar(int size, Color from, Color to, Color figure) {
  items::Image image = blank(size, size);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      const double u = (x + 0.5) / size, v = (y + 0.5) / size;
      Color c = mix(from, to, (u + v) / 2);
      const double hx = u - 0.5, hy = v - 0.40;
      if (hx * hx + hy * hy < 0.18 * 0.18) c = figure;  // head
      const double sx = (u - 0.5) / 0.36, sy = (v - 1.0) / 0.32;
      if (sx * sx + sy * sy < 1.0) c = darker(figure, 0.15);  // shoulders
      put(image, x, y, c);
    }
  return image;
}

}  // namespace pipectl::render
