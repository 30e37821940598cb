// A fixed, named set of sample cards that covers every script and every card layout: the one
// list that the golden-image tests (tests/test_card_images.cpp), `pipectl contact-sheet` and
// the render benchmark (stages/render/bench) all draw. Everything in it is made in code
// (pictures are gradients and patterns), at a fixed date in a fixed time zone, so the same
// build draws the same pixels on every machine with the same fonts and libraries.
//
// To add a card: add it to card_samples() in card_samples.cpp with a new short name; then
// run tools/update-goldens and look at the new tests/golden/<name>.png.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "canvas.hpp"
#include "card_renderer.hpp"
#include "items/media.hpp"

namespace pipectl::render {

// The time zone the samples' times are shown in. UTC: a zone's rules can change with an ICU
// update, and the goldens must not.
inline constexpr std::string_view kSampleTimeZone = "UTC";

enum class SampleGroup {
  script,  // one script (or a mix) in a text-only post: "script-arabic"
  layout,  // one shape of card: photos, video, quote, repost, long text...: "layout-photos-3"
  title,   // the title card of a day, and the end card
  hostile, // text built to break a renderer (hostile_samples only: not in card_samples)
};

struct CardSample {
  std::string name;     // short and stable: golden files are named after it ("script-thai")
  std::string summary;  // one line: what the card shows and why it is in the set
  SampleGroup group = SampleGroup::layout;
  // What is drawn: a post card (render_post), a title card (render_title) or an end card
  // (render_end).
  std::variant<items::MediaPost, TitleInfo, EndInfo> card;
};

// The whole set, in a fixed order: scripts first, then layouts, then the title and end cards. Builds
// the pictures anew on each call (about 60 MB of RGBA); callers keep the vector they got.
std::vector<CardSample> card_samples();

// Only the samples of one group, in the same order.
std::vector<CardSample> card_samples(SampleGroup group);

// Posts whose text (and quoted post, author name, reposter name, content warning, link card and
// poll options) is hostile: 10,000 ZWJ in a row, stacks of combining marks, invalid UTF-8,
// control characters, bidi overrides, 2,000 joined emoji, a 5,000-character word, 25,000
// characters; and 10,000 custom emoji. Each must render inside its card, in bounded time: the
// render test draws them, bench-render --samples hostile times them.
std::vector<CardSample> hostile_samples();

// The sample called `name` in `samples`; std::out_of_range, naming it, when there is none.
const CardSample& sample_named(const std::vector<CardSample>& samples, std::string_view name);

// Draws `sample` with `renderer` (any size and theme).
Canvas render_sample(CardRenderer& renderer, const CardSample& sample);

}  // namespace pipectl::render
