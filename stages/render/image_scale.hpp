// Resampling of RGBA pixels, for photos (any size down or up to their box) and colour emoji
// (a 109 px strike down to the text size).
#pragma once

#include <cstdint>
#include <vector>

namespace pipectl::render {

// Straight-alpha RGBA (stride 4 * width) to premultiplied RGBA: filtering premultiplied
// pixels keeps transparent neighbours from bleeding their (meaningless) colour into edges.
std::vector<std::uint8_t> premultiply(const std::uint8_t* rgba, int width, int height);

// Scales premultiplied RGBA (stride 4 * width) to dst_width x dst_height with a separable
// tent filter whose support widens with the reduction, so downscaling averages every source
// pixel (no aliasing) and upscaling is bilinear. Both sizes must be positive.
std::vector<std::uint8_t> scale_premultiplied(const std::uint8_t* rgba, int width, int height,
                                              int dst_width, int dst_height);

}  // namespace pipectl::render
