// Resampling of RGBA pixels, for photos (any size down or up to their box) and colour emoji
// (a 109 px strike down to the text size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "geometry.hpp"

namespace pipectl::render {

// RGBA pixels inside a larger picture: `stride` bytes from one row to the next.
struct PixelView {
  const std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  std::size_t stride = 0;
};

// The part `part` (inside the picture) of packed RGBA pixels `width` wide.
inline PixelView view_of(const std::uint8_t* rgba, int width, const Rect& part) {
  const std::size_t stride = static_cast<std::size_t>(width) * 4;
  return {rgba + static_cast<std::size_t>(part.y) * stride + static_cast<std::size_t>(part.x) * 4, part.width,
          part.height, stride};
}

enum class Alpha { straight, premultiplied };

// Scales `source` to dst_width x dst_height with a separable tent filter whose support widens
// with the reduction, so downscaling averages every source pixel (no aliasing) and upscaling
// is bilinear. A straight-alpha source is premultiplied first, row by row: filtering
// premultiplied pixels keeps transparent neighbours from bleeding their (meaningless) colour
// into edges. Hands each output
// row (premultiplied RGBA, 4 * dst_width bytes, valid during the call) to `row` from top to
// bottom. Only the few source rows the filter needs at once are held, so a large photo costs
// a few rows of memory, not a copy of itself. All sizes must be positive.
void scale_rows(const PixelView& source, Alpha alpha, int dst_width, int dst_height,
                const std::function<void(int y, const std::uint8_t* rgba)>& row);

// The same for premultiplied RGBA (stride 4 * width), into one packed buffer: emoji strikes.
std::vector<std::uint8_t> scale_premultiplied(const std::uint8_t* rgba, int width, int height,
                                              int dst_width, int dst_height);

}  // namespace pipectl::render
