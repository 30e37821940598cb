#include "sample_pictures.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
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

// The colour of an emoji at (u, v) in [-1, 1]², or nothing (transparent) outside its shape.
std::optional<Color> emoji_at(double u, double v, EmojiShape shape, Color fill, Color feature) {
  if (shape == EmojiShape::face) {
    if (u * u + v * v > 0.92 * 0.92) return std::nullopt;
    const double ex = std::abs(u) - 0.32, ey = v + 0.22;  // the eyes: two ellipses
    if (ex * ex / 0.012 + ey * ey / 0.04 < 1) return feature;
    const double r = std::sqrt(u * u + (v + 0.05) * (v + 0.05));  // the smile: a band of a ring
    if (v > 0.18 && r > 0.48 && r < 0.62) return feature;
    return fill;
  }
  // The heart curve (x² + y² − 1)³ − x² y³ < 0, its point down.
  const double x = u * 1.15, y = -v * 1.15 + 0.15;
  const double a = x * x + y * y - 1;
  if (a * a * a - x * x * y * y * y > 0) return std::nullopt;
  const double sx = x + 0.45, sy = y - 0.45;  // a shine on the upper left lobe
  return sx * sx + sy * sy < 0.03 ? feature : fill;
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

items::Image sample_emoji(int size, EmojiShape shape, Color fill, Color feature) {
  items::Image image = blank(size, size);
  // 4 x 4 samples a pixel: the colour is their average over the shape, the alpha their share.
  constexpr int kSamples = 4;
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      int inside = 0, r = 0, g = 0, b = 0;
      for (int sy = 0; sy < kSamples; ++sy)
        for (int sx = 0; sx < kSamples; ++sx) {
          const double u = 2 * (x + (sx + 0.5) / kSamples) / size - 1, v = 2 * (y + (sy + 0.5) / kSamples) / size - 1;
          const std::optional<Color> c = emoji_at(u, v, shape, fill, feature);
          if (!c) continue;
          ++inside;
          r += c->r, g += c->g, b += c->b;
        }
      std::uint8_t* p = image.rgba.data() + (static_cast<std::size_t>(y) * size + x) * 4;
      if (inside == 0) continue;  // transparent black (blank() zeroes)
      p[0] = static_cast<std::uint8_t>(r / inside);
      p[1] = static_cast<std::uint8_t>(g / inside);
      p[2] = static_cast<std::uint8_t>(b / inside);
      p[3] = static_cast<std::uint8_t>(inside * 255 / (kSamples * kSamples));
    }
  return image;
}

}  // namespace pipectl::render
