#include "frame_convert.hpp"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace pipectl::render {

namespace {

// The BT.709 matrix scaled to limited range, in 16.16 fixed point. Written out rather than
// left to swscale: a fixed matrix and a 2x2 average need no scaler context or padded copies
// of the card (12 MB at 1080p), and these loops vectorise.
constexpr double kRed = 0.2126, kBlue = 0.0722, kGreen = 1.0 - kRed - kBlue;
constexpr double kLuma = 219.0 / 255, kChroma = 224.0 / 255;
constexpr int kShift = 16;

constexpr int fixed(double value) {
  return static_cast<int>(value * (1 << kShift) + (value < 0 ? -0.5 : 0.5));
}

constexpr int kYr = fixed(kLuma * kRed), kYg = fixed(kLuma * kGreen), kYb = fixed(kLuma * kBlue);
constexpr int kUr = fixed(-kChroma * kRed / (2 * (1 - kBlue)));
constexpr int kUg = fixed(-kChroma * kGreen / (2 * (1 - kBlue)));
constexpr int kUb = fixed(kChroma / 2);
constexpr int kVr = fixed(kChroma / 2);
constexpr int kVg = fixed(-kChroma * kGreen / (2 * (1 - kRed)));
constexpr int kVb = fixed(-kChroma * kBlue / (2 * (1 - kRed)));

// The row loops vectorise; with AVX2 (where the CPU has it, chosen at load time) they take
// about half the time of the baseline SSE2 build.
// Not under ThreadSanitizer: the clones are picked by an ifunc resolver, which the dynamic
// loader calls while relocating pipectl, before TSan's runtime is initialised; GCC instruments
// the resolver too, and its __tsan_func_entry call crashed every TSan-built pipectl at load.
#if defined(__SANITIZE_THREAD__)
#define PIPECTL_VECTOR_CLONES
#else
#define PIPECTL_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif

// One row of luma. Every result lies in 16..235 (the coefficients sum to 219/255), so no clamp.
PIPECTL_VECTOR_CLONES void luma_row(const std::uint8_t* rgba, int width, std::uint8_t* y) {
  constexpr int offset = (16 << kShift) + (1 << (kShift - 1));
  for (int x = 0; x < width; ++x) {
    const std::uint8_t* p = rgba + 4 * x;
    y[x] = static_cast<std::uint8_t>((kYr * p[0] + kYg * p[1] + kYb * p[2] + offset) >> kShift);
  }
}

// One row of each chroma plane from two rows of RGBA: the matrix applied to the sum of each
// 2x2 block (hence two more bits of shift). Every result lies in 16..240; the sums stay
// positive, so the shift rounds as intended.
PIPECTL_VECTOR_CLONES void chroma_row(const std::uint8_t* top, const std::uint8_t* bottom, int chroma_width,
                std::uint8_t* u, std::uint8_t* v) {
  constexpr int shift = kShift + 2;
  constexpr int offset = (128 << shift) + (1 << (shift - 1));
  for (int x = 0; x < chroma_width; ++x) {
    const std::uint8_t* a = top + 8 * x;
    const std::uint8_t* b = bottom + 8 * x;
    const int r = a[0] + a[4] + b[0] + b[4];
    const int g = a[1] + a[5] + b[1] + b[5];
    const int bl = a[2] + a[6] + b[2] + b[6];
    u[x] = static_cast<std::uint8_t>((kUr * r + kUg * g + kUb * bl + offset) >> shift);
    v[x] = static_cast<std::uint8_t>((kVr * r + kVg * g + kVb * bl + offset) >> shift);
  }
}

}  // namespace

items::Frame to_frame(const Canvas& canvas) {
  const int w = canvas.width(), h = canvas.height();
  if (w % 2 != 0 || h % 2 != 0)
    throw std::invalid_argument("frame size " + std::to_string(w) + "x" + std::to_string(h) +
                                " is odd: I420 needs an even width and height");
  items::Frame frame;
  frame.width = w;
  frame.height = h;
  frame.y.resize(static_cast<std::size_t>(w) * h);
  frame.u.resize(static_cast<std::size_t>(w / 2) * (h / 2));
  frame.v.resize(frame.u.size());
  const std::uint8_t* rgba = canvas.rgba().data();
  const std::size_t stride = static_cast<std::size_t>(w) * 4;
  for (int row = 0; row < h; row += 2) {
    const std::uint8_t* top = rgba + row * stride;
    luma_row(top, w, frame.y.data() + static_cast<std::size_t>(row) * w);
    luma_row(top + stride, w, frame.y.data() + static_cast<std::size_t>(row + 1) * w);
    const std::size_t chroma = static_cast<std::size_t>(row / 2) * (w / 2);
    chroma_row(top, top + stride, w / 2, frame.u.data() + chroma, frame.v.data() + chroma);
  }
  return frame;
}

}  // namespace pipectl::render
