// The `watermark` stage: stamps a line of text, white on a dark semi-transparent box, into a
// corner of every frame. Everything else about the frame (sequence, duration, label, size)
// passes on unchanged. Built only against pipectl's public headers and item types.
#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

#include "font.hpp"
#include "items/frame.hpp"
#include "pipectl/plugin.hpp"
#include "pipectl/stage_declaration.hpp"

namespace watermark {

namespace {

using pipectl::items::Frame;

// BT.709 limited range, as the frame item declares: black, white and neutral chroma.
constexpr float y_black = 16.0f;
constexpr float y_white = 235.0f;
constexpr float c_neutral = 128.0f;
// The box behind the text darkens what lies under it by this share of `opacity`: enough for
// white text to read on a white card, light enough that the card still shows through.
constexpr float box_share = 0.6f;

enum class Corner { top_left, top_right, bottom_left, bottom_right };

struct Settings {
  std::string text;
  Corner corner = Corner::bottom_right;
  double opacity = 0;
  int scale = 0;
};

const pipectl::Input<Frame> frames_in{"in"};
const pipectl::Output<Frame> frames_out{"out"};

std::uint8_t blend(std::uint8_t under, float over, float alpha) {
  return static_cast<std::uint8_t>(std::lround(under + (over - under) * alpha));
}

class WatermarkStage : public pipectl::StageFor<Frame> {
 public:
  WatermarkStage(const Settings& settings, const pipectl::RunContext&)
      : glyphs_(glyphs_for(settings.text)),
        corner_(settings.corner),
        opacity_(static_cast<float>(settings.opacity)),
        scale_(settings.scale) {}

  void receive(const Frame& given, pipectl::Emitter& out) override {
    Frame frame = given;  // a copy: items are shared read-only
    stamp(frame);
    frames_out.emit(out, std::move(frame));
  }

 private:
  // The box in luma pixels, before clipping to the frame.
  struct Box {
    int x = 0, y = 0, width = 0, height = 0;
    int text_x = 0, text_y = 0;
  };

  Box layout(const Frame& frame) const {
    int count = static_cast<int>(glyphs_.size());
    int text_width = (count * glyph_advance - 1) * scale_;
    int text_height = glyph_height * scale_;
    int padding = 2 * scale_;
    int margin = std::max(2 * scale_, std::min(frame.width, frame.height) / 40);
    Box box;
    box.width = text_width + 2 * padding;
    box.height = text_height + 2 * padding;
    bool left = corner_ == Corner::top_left || corner_ == Corner::bottom_left;
    bool top = corner_ == Corner::top_left || corner_ == Corner::top_right;
    box.x = left ? margin : frame.width - margin - box.width;
    box.y = top ? margin : frame.height - margin - box.height;
    // Even corners keep the box aligned with the 2x2 chroma blocks.
    box.x -= box.x & 1;
    box.y -= box.y & 1;
    box.text_x = box.x + padding;
    box.text_y = box.y + padding;
    return box;
  }

  bool is_text(const Box& box, int x, int y) const {
    int column = (x - box.text_x) / scale_;
    int row = (y - box.text_y) / scale_;
    if (x < box.text_x || y < box.text_y || row >= glyph_height) return false;
    size_t index = static_cast<size_t>(column / glyph_advance);
    int within = column % glyph_advance;
    if (index >= glyphs_.size() || within >= glyph_width) return false;
    return (glyphs_[index][static_cast<size_t>(row)] >> (glyph_width - 1 - within)) & 1;
  }

  void stamp(Frame& frame) const {
    if (glyphs_.empty() || opacity_ <= 0.0f || frame.width <= 0 || frame.height <= 0) return;
    Box box = layout(frame);
    int x0 = std::max(box.x, 0), x1 = std::min(box.x + box.width, frame.width);
    int y0 = std::max(box.y, 0), y1 = std::min(box.y + box.height, frame.height);
    if (x0 >= x1 || y0 >= y1) return;
    float box_alpha = box_share * opacity_;
    // How much of the neutral colour covers a pixel: the box, then the text over it.
    float text_cover = 1.0f - (1.0f - box_alpha) * (1.0f - opacity_);

    for (int y = y0; y < y1; ++y) {
      std::uint8_t* row = frame.y.data() + static_cast<size_t>(y) * static_cast<size_t>(frame.width);
      for (int x = x0; x < x1; ++x) {
        std::uint8_t dark = blend(row[x], y_black, box_alpha);
        row[x] = is_text(box, x, y) ? blend(dark, y_white, opacity_) : dark;
      }
    }
    // Chroma: both white and black are neutral, so each chroma sample moves toward neutral by
    // the mean cover of the 2x2 luma pixels it stands for.
    int chroma_width = frame.width / 2, chroma_height = frame.height / 2;
    for (int cy = y0 / 2; cy < std::min((y1 + 1) / 2, chroma_height); ++cy) {
      for (int cx = x0 / 2; cx < std::min((x1 + 1) / 2, chroma_width); ++cx) {
        float cover = 0.0f;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx) {
            int x = 2 * cx + dx, y = 2 * cy + dy;
            if (x < x0 || x >= x1 || y < y0 || y >= y1) continue;
            cover += is_text(box, x, y) ? text_cover : box_alpha;
          }
        cover /= 4.0f;
        size_t at = static_cast<size_t>(cy) * static_cast<size_t>(chroma_width) + static_cast<size_t>(cx);
        frame.u[at] = blend(frame.u[at], c_neutral, cover);
        frame.v[at] = blend(frame.v[at], c_neutral, cover);
      }
    }
  }

  std::vector<Glyph> glyphs_;
  Corner corner_;
  float opacity_;
  int scale_;
};

}  // namespace

pipectl::StageInfo watermark_stage() {
  return pipectl::declare_stage<Settings>(
             "watermark", "stamps a line of text, white on a dark box, into a corner of every frame (example plugin)")
      .input(frames_in)
      .output(frames_out)
      .param("text", &Settings::text, "pipectl",
             "the text; A-Z (lower case drawn as upper case), 0-9 and .,:-_/!?@#'()+=&% in a 5x7 pixel font")
      .param("corner", &Settings::corner, "bottom-right", "which corner of the frame",
             {{"top-left", Corner::top_left},
              {"top-right", Corner::top_right},
              {"bottom-left", Corner::bottom_left},
              {"bottom-right", Corner::bottom_right}})
      .param("opacity", &Settings::opacity, "0.8", "opacity of the text; the box behind it darkens the frame by 60% of this")
      .range(0.0, 1.0)
      .param("scale", &Settings::scale, "4", "size of one pixel of the 5x7 font").range(1, 16).unit("frame pixels")
      .creates<WatermarkStage>();
}


}  // namespace watermark

PIPECTL_PLUGIN("watermark", "1.0.0", watermark::watermark_stage)
