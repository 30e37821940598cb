// From the RGBA card to the I420 frame the encoder takes.
#pragma once

#include <cstdint>
#include <memory>

#include "canvas.hpp"
#include "items/frame.hpp"

struct SwsContext;

namespace pipectl::render {

class FrameConverter {
 public:
  FrameConverter();
  FrameConverter(const FrameConverter&) = delete;
  FrameConverter& operator=(const FrameConverter&) = delete;
  ~FrameConverter();

  // BT.709 limited range (Y 16..235), chroma averaged over each 2x2 block, as H.264 players
  // assume for HD. The canvas must have an even width and height (std::invalid_argument
  // otherwise) and be opaque: alpha is ignored. Sets the frame's size and planes only.
  items::Frame convert(const Canvas& canvas);

 private:
  struct AvFree {
    void operator()(std::uint8_t* p) const noexcept;
  };
  using Buffer = std::unique_ptr<std::uint8_t, AvFree>;
  // A plane swscale may work on freely: 64-byte aligned rows, padded, and a spare row, because
  // its SIMD code reads and writes whole vectors past the end of a row (the last one too).
  // The canvas and the frame's packed vectors have no such slack, so swscale never sees them.
  struct Plane {
    Buffer data;
    int stride = 0;
  };
  void prepare(int width, int height);

  SwsContext* context_ = nullptr;  // cached for the last size; freed by the destructor
  int width_ = 0;
  int height_ = 0;
  Plane rgba_, y_, u_, v_;
};

}  // namespace pipectl::render
