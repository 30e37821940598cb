#include "image_scale.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace pipectl::render {

namespace {

// For one axis, which source samples feed each destination sample and with what weight.
struct Taps {
  std::vector<int> first;           // per destination sample: index of its first source sample
  std::vector<int> count;           // per destination sample: how many source samples follow
  std::vector<float> weights;       // count[i] weights per destination sample, concatenated
  std::vector<std::size_t> offset;  // where sample i's weights start in `weights`
};

Taps make_taps(int src, int dst) {
  Taps taps;
  taps.first.resize(dst);
  taps.count.resize(dst);
  taps.offset.resize(dst);
  const double scale = static_cast<double>(dst) / src;
  // Half-width of the tent, in source samples: 1 when enlarging (bilinear), 1/scale when
  // reducing so that every source sample contributes to some output.
  const double radius = scale < 1.0 ? 1.0 / scale : 1.0;
  for (int o = 0; o < dst; ++o) {
    const double center = (o + 0.5) / scale - 0.5;
    const int lo = static_cast<int>(std::floor(center - radius)) + 1;
    const int hi = static_cast<int>(std::ceil(center + radius)) - 1;
    taps.offset[o] = taps.weights.size();
    double total = 0;
    int first = -1, n = 0;
    // The tent is positive on one contiguous span, so the taps of a sample are contiguous.
    // Indices beyond the image are kept as they are and clamped when read: the edge pixel
    // then takes their weight, as if the image extended its border.
    for (int i = lo; i <= hi; ++i) {
      const double w = 1.0 - std::abs(i - center) / radius;
      if (w <= 0) continue;
      if (first < 0) first = i;
      taps.weights.push_back(static_cast<float>(w));
      total += w;
      ++n;
    }
    if (n == 0) {  // center exactly on a sample with a radius of 1
      first = static_cast<int>(std::lround(center));
      taps.weights.push_back(1.0f);
      total = 1;
      n = 1;
    }
    for (int k = 0; k < n; ++k) taps.weights[taps.offset[o] + k] /= static_cast<float>(total);
    taps.first[o] = first;
    taps.count[o] = n;
  }
  return taps;
}

// Straight alpha to premultiplied, one row of `width` pixels.
void premultiply_row(const std::uint8_t* rgba, int width, std::uint8_t* out) {
  for (int i = 0; i < 4 * width; i += 4) {
    const unsigned a = rgba[i + 3];
    for (int c = 0; c < 3; ++c)
      out[i + c] = static_cast<std::uint8_t>((rgba[i + c] * a + 127) / 255);
    out[i + 3] = static_cast<std::uint8_t>(a);
  }
}

}  // namespace

void scale_rows(const PixelView& source, Alpha alpha, int dst_width, int dst_height,
                const std::function<void(int y, const std::uint8_t* rgba)>& row) {
  const int width = source.width, height = source.height;
  const Taps horizontal = make_taps(width, dst_width);
  const Taps vertical = make_taps(height, dst_height);

  // Horizontally filtered source rows, as floats, in a ring: the rows one output row needs
  // are consecutive (clamped at the edges), at most `slots` of them, and move down as the
  // output does, so source row sy lives in slot sy % slots until a later row takes it.
  const int slots = *std::max_element(vertical.count.begin(), vertical.count.end());
  const std::size_t row_floats = static_cast<std::size_t>(dst_width) * 4;
  std::vector<float> ring(row_floats * slots);
  std::vector<int> held(slots, -1);  // the source row in each slot
  std::vector<std::uint8_t> premultiplied(alpha == Alpha::straight ? 4 * static_cast<std::size_t>(width) : 0);

  auto filtered_row = [&](int sy) -> const float* {
    float* dst = ring.data() + static_cast<std::size_t>(sy % slots) * row_floats;
    if (held[sy % slots] == sy) return dst;
    held[sy % slots] = sy;
    const std::uint8_t* src = source.data + static_cast<std::size_t>(sy) * source.stride;
    if (alpha == Alpha::straight) {
      premultiply_row(src, width, premultiplied.data());
      src = premultiplied.data();
    }
    for (int x = 0; x < dst_width; ++x) {
      float acc[4] = {0, 0, 0, 0};
      const float* w = horizontal.weights.data() + horizontal.offset[x];
      for (int k = 0; k < horizontal.count[x]; ++k) {
        const int sx = std::clamp(horizontal.first[x] + k, 0, width - 1);
        for (int c = 0; c < 4; ++c) acc[c] += w[k] * src[sx * 4 + c];
      }
      for (int c = 0; c < 4; ++c) dst[x * 4 + c] = acc[c];
    }
    return dst;
  };

  std::vector<float> acc(row_floats);
  std::vector<std::uint8_t> out(row_floats);
  for (int y = 0; y < dst_height; ++y) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    const float* w = vertical.weights.data() + vertical.offset[y];
    for (int k = 0; k < vertical.count[y]; ++k) {
      const float* src = filtered_row(std::clamp(vertical.first[y] + k, 0, height - 1));
      for (std::size_t i = 0; i < acc.size(); ++i) acc[i] += w[k] * src[i];
    }
    // To bytes, rounding half up: the values are clamped to 0..255 first, so adding 0.5 and
    // truncating is std::lround without its library call (lroundf was 4% of a whole run's
    // CPU in perf).
    auto to_byte = [](float value) { return static_cast<int>(std::clamp(value, 0.0f, 255.0f) + 0.5f); };
    for (std::size_t i = 0; i < acc.size(); i += 4) {
      // Rounding can leave a colour channel a hair above alpha; premultiplied data must
      // never have that, or blending would overflow.
      const int opacity = to_byte(acc[i + 3]);
      out[i + 3] = static_cast<std::uint8_t>(opacity);
      for (int c = 0; c < 3; ++c) out[i + c] = static_cast<std::uint8_t>(std::min(to_byte(acc[i + c]), opacity));
    }
    row(y, out.data());
  }
}

std::vector<std::uint8_t> scale_premultiplied(const std::uint8_t* rgba, int width, int height,
                                              int dst_width, int dst_height) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(dst_width) * dst_height * 4);
  const std::size_t row_bytes = static_cast<std::size_t>(dst_width) * 4;
  scale_rows({rgba, width, height, static_cast<std::size_t>(width) * 4}, Alpha::premultiplied,
             dst_width, dst_height, [&](int y, const std::uint8_t* pixels) {
               std::copy_n(pixels, row_bytes, out.data() + y * row_bytes);
             });
  return out;
}

}  // namespace pipectl::render
