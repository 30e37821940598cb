#include "frame_convert.hpp"

#include <algorithm>
#include <new>
#include <stdexcept>
#include <string>

extern "C" {
#include <libavutil/mem.h>
#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>
}

namespace pipectl::render {

namespace {

constexpr int kAlign = 64;  // the widest vector swscale uses (AVX-512), in bytes

int padded(int bytes) { return (bytes + 2 * kAlign - 1) / kAlign * kAlign; }

// Copies `rows` rows of `row_bytes` between buffers with different strides.
void copy_rows(const std::uint8_t* src, int src_stride, std::uint8_t* dst, int dst_stride,
               int row_bytes, int rows) {
  for (int y = 0; y < rows; ++y)
    std::copy_n(src + static_cast<std::ptrdiff_t>(y) * src_stride, row_bytes,
                dst + static_cast<std::ptrdiff_t>(y) * dst_stride);
}

}  // namespace

void FrameConverter::AvFree::operator()(std::uint8_t* p) const noexcept { av_free(p); }

FrameConverter::FrameConverter() = default;

FrameConverter::~FrameConverter() { sws_freeContext(context_); }

void FrameConverter::prepare(int w, int h) {
  if (w == width_ && h == height_ && context_) return;
  width_ = height_ = 0;

  // No scaling happens; the filter only decides how chroma is subsampled. SWS_AREA with
  // SWS_FULL_CHR_H_INP averages each 2x2 block of input pixels, so coloured edges (emoji,
  // photos) do not fringe. SWS_ACCURATE_RND: exact 16/235 levels.
  const int flags = SWS_AREA | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP;
  // On failure swscale has already freed the old context: forget it before throwing.
  context_ = sws_getCachedContext(context_, w, h, AV_PIX_FMT_RGBA, w, h, AV_PIX_FMT_YUV420P, flags,
                                  nullptr, nullptr, nullptr);
  if (!context_) throw std::runtime_error("swscale cannot convert RGBA to I420 at this size");
  // Source: full-range RGB. Destination: BT.709 matrix, limited range (0 = MPEG range).
  const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
  if (sws_setColorspaceDetails(context_, bt709, 1, bt709, 0, 0, 1 << 16, 1 << 16) < 0)
    throw std::runtime_error("swscale refused the BT.709 colour space");

  auto allocate = [](Plane& plane, int row_bytes, int rows) {
    plane.stride = padded(row_bytes);
    plane.data.reset(static_cast<std::uint8_t*>(
        av_mallocz(static_cast<std::size_t>(plane.stride) * (rows + 1))));
    if (!plane.data) throw std::bad_alloc();
  };
  allocate(rgba_, 4 * w, h);
  allocate(y_, w, h);
  allocate(u_, w / 2, h / 2);
  allocate(v_, w / 2, h / 2);
  width_ = w;
  height_ = h;
}

items::Frame FrameConverter::convert(const Canvas& canvas) {
  const int w = canvas.width(), h = canvas.height();
  if (w % 2 != 0 || h % 2 != 0)
    throw std::invalid_argument("frame size " + std::to_string(w) + "x" + std::to_string(h) +
                                " is odd: I420 needs an even width and height");
  prepare(w, h);

  copy_rows(canvas.rgba().data(), 4 * w, rgba_.data.get(), rgba_.stride, 4 * w, h);
  const std::uint8_t* src[4] = {rgba_.data.get(), nullptr, nullptr, nullptr};
  const int src_stride[4] = {rgba_.stride, 0, 0, 0};
  std::uint8_t* dst[4] = {y_.data.get(), u_.data.get(), v_.data.get(), nullptr};
  const int dst_stride[4] = {y_.stride, u_.stride, v_.stride, 0};
  if (sws_scale(context_, src, src_stride, 0, h, dst, dst_stride) != h)
    throw std::runtime_error("swscale failed to convert the frame");

  items::Frame frame;
  frame.width = w;
  frame.height = h;
  frame.y.resize(static_cast<std::size_t>(w) * h);
  frame.u.resize(static_cast<std::size_t>(w / 2) * (h / 2));
  frame.v.resize(frame.u.size());
  copy_rows(y_.data.get(), y_.stride, frame.y.data(), w, w, h);
  copy_rows(u_.data.get(), u_.stride, frame.u.data(), w / 2, w / 2, h / 2);
  copy_rows(v_.data.get(), v_.stride, frame.v.data(), w / 2, w / 2, h / 2);
  return frame;
}

}  // namespace pipectl::render
