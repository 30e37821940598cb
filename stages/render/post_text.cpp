#include "post_text.hpp"

#include <unicode/utf8.h>

#include <cstdint>

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

// Line and paragraph breaks (those split_paragraphs ends a line at, and the bidi paragraph
// separators U+001C–U+001E).
bool is_break(char32_t c) {
  return c == u'\n' || c == u'\r' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E) || c == 0x85 ||
         c == 0x2028 || c == 0x2029;
}

// Calls `each(code point, its bytes)` for each code point of `text`; a malformed sequence is
// passed as U+FFFD with its bytes.
template <class Each>
void for_each_code_point(std::string_view text, Each each) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    each(c < 0 ? char32_t{0xFFFD} : static_cast<char32_t>(c), text.substr(start, i - start));
  }
}

}  // namespace

bool is_bidi_control(char32_t c) {
  return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

std::string isolated_name(std::string_view name) {
  std::string result = "\u2068";
  result.reserve(name.size() + 8);
  int open = 0;  // isolates the name opened and has not closed
  for_each_code_point(name, [&](char32_t c, std::string_view bytes) {
    if (is_break(c)) {
      result += ' ';
    } else if (c >= 0x2066 && c <= 0x2068) {
      ++open;
      result.append(bytes);
    } else if (c == 0x2069) {
      if (open == 0) return;  // it would close our isolate
      --open;
      result.append(bytes);
    } else {
      result.append(bytes);
    }
  });
  for (; open > 0; --open) result += "\u2069";
  return result += "\u2069";
}

std::string caption_name(std::string_view name) {
  std::string result;
  result.reserve(name.size());
  for_each_code_point(name, [&](char32_t c, std::string_view bytes) {
    if (is_break(c)) result += ' ';
    else if (!is_bidi_control(c)) result.append(bytes);
  });
  return result;
}

StyledText card_text(const items::Post& post) { return styled(twitter_text::display_text(post)); }

StyledText card_text_of(std::string_view text) { return styled(twitter_text::display_text(text, {})); }

}  // namespace pipectl::render
