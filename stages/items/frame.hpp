// The frame item: one rendered card as I420 planes, with its place in the video.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pipectl::items {

struct Frame {
  static constexpr std::string_view item_type = "frame";

  int width = 0;   // even
  int height = 0;  // even
  // BT.709, limited range. y: width*height; u, v: (width/2)*(height/2); rows packed.
  std::vector<std::uint8_t> y;
  std::vector<std::uint8_t> u;
  std::vector<std::uint8_t> v;
  std::int64_t sequence = 0;      // 0 = title card, then 1..N in post order
  double duration_seconds = 3.0;  // how long the card stays on screen
  std::string label;              // "title" or the post id, for messages
  // What the card says, as plain text (the post's text; the title card's heading): encode
  // writes it into the subtitles beside the video.
  std::string caption;
};

}  // namespace pipectl::items
