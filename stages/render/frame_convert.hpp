// From the RGBA card to the I420 frame the encoder takes.
#pragma once

#include "canvas.hpp"
#include "items/frame.hpp"

namespace pipectl::render {

// BT.709 limited range (Y 16..235), chroma from the average of each 2x2 block, as H.264
// players assume for HD. The canvas must have an even width and height (std::invalid_argument
// otherwise) and be opaque: alpha is ignored. Sets the frame's size and planes only.
items::Frame to_frame(const Canvas& canvas);

}  // namespace pipectl::render
