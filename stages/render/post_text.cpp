#include "post_text.hpp"

#include "display_text.hpp"

namespace pipectl::render {

namespace {

// Each entity is wrapped in a first-strong isolate (U+2068 … U+2069), so that "@name" or
// "#tag" inside a right-to-left post keeps its sigil in front instead of bidi moving it to
// the far end ("name@"). The isolates are invisible.
StyledText styled(const twitter_text::DisplayText& display) {
  static constexpr std::string_view kOpen = "\u2068", kClose = "\u2069";
  StyledText result;
  result.text.reserve(display.text.size() + display.spans.size() * (kOpen.size() + kClose.size()));
  std::size_t copied = 0;
  for (const auto& span : display.spans) {
    result.text.append(display.text, copied, span.begin - copied).append(kOpen);
    const std::size_t begin = result.text.size();
    result.text.append(display.text, span.begin, span.end - span.begin);
    result.inks.push_back({begin, result.text.size(), 1});
    result.text.append(kClose);
    copied = span.end;
  }
  result.text.append(display.text, copied);
  return result;
}

}  // namespace

StyledText card_text(const items::Post& post) { return styled(twitter_text::display_text(post)); }

StyledText card_text_of(std::string_view text) { return styled(twitter_text::display_text(text, {})); }

}  // namespace pipectl::render
