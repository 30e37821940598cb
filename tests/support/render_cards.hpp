// What the render tests share (test_fonts, test_text_layout, test_post_card, ...): renderers and
// fonts opened once per executable, posts and pictures made in code, and pixel checks against
// the rectangles a card's layout reports.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "card_geometry.hpp"
#include "card_renderer.hpp"
#include "card_samples.hpp"
#include "fonts.hpp"
#include "items/frame.hpp"
#include "items/media.hpp"
#include "pipectl/stage.hpp"
#include "text_layout.hpp"
#include "theme.hpp"

namespace pipectl::test::cards {

using render::Canvas;
using render::CardMetrics;
using render::CardRenderer;
using render::Color;
using render::Rect;
using render::RenderedPost;

inline const render::Theme kTheme{};

inline const std::string kEnglish =
    "Launch day! The rocket cleared the tower at 14:02 local time and the first stage landed "
    "eight minutes later. Thanks to everyone who worked through the night to make this happen.";

// One renderer per frame size for the whole test run: opening the fonts is the slow part.
CardRenderer& renderer(int width = 1920, int height = 1080);
// The sample cards, built once (their pictures are tens of megabytes).
const std::vector<render::CardSample>& samples();
render::FontSet& fonts();

std::chrono::sys_seconds at_utc(int hour, int minute);  // on 2026-11-24
// A post by @ada at 14:05 UTC, the only one of its day.
items::MediaPost make_post(std::string text);
// A repost of @orbit's post by @ada, as the fetch sources deliver it: the original's author,
// text and counts, the repost's own id and time.
items::MediaPost make_repost();
items::Image solid_image(int width, int height, Color color);
void add_photo(items::MediaPost& media, std::optional<items::Image> image, std::string type = "photo");

inline bool is_dark(Color c) { return c.r + c.g + c.b < 3 * 128; }
inline bool is_colourful(Color c) { return std::max({c.r, c.g, c.b}) - std::min({c.r, c.g, c.b}) > 80; }

template <class Predicate>
int count_pixels(const Canvas& canvas, const Rect& rect, Predicate predicate) {
  const Rect r = rect.intersection(canvas.bounds());
  int count = 0;
  for (int y = r.y; y < r.bottom(); ++y)
    for (int x = r.x; x < r.right(); ++x) count += predicate(canvas.at(x, y)) ? 1 : 0;
  return count;
}

// The bounding box of the dark pixels in `rect`; empty when there are none.
Rect ink_bounds(const Canvas& canvas, const Rect& rect);

// Below the header, the card shows the card colour everywhere but in the text box, the
// photo area and the footer; around the card, the frame shows the background colour. Reports the first
// stray pixel.
void require_nothing_outside_boxes(const RenderedPost& rendered);
void require_inside(const Rect& inner, const Rect& outer);

// Whether the `width` x `height` pixels at (ax, ay) in `a` and at (bx, by) in `b` are the same.
bool same_pixels(const Canvas& a, int ax, int ay, const Canvas& b, int bx, int by, int width, int height);

// The glyphs of a one-line layout from left to right, without the invisible ones (space
// glyphs: HarfBuzz draws bidi controls as the font's space, with no advance).
std::vector<unsigned> visible_glyphs(const render::TextLayout& layout);

// The frames a stage emits.
class Collect : public Emitter {
 public:
  void emit(Item item) override { frames.push_back(item.as<items::Frame>()); }
  std::vector<items::Frame> frames;
};

}  // namespace pipectl::test::cards
