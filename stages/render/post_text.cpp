#include "post_text.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>

#include "canvas.hpp"
#include "display_text.hpp"
#include "url.hpp"

namespace pipectl::render {

namespace {

// The picture of a custom emoji span (":shortcode:") found by its shortcode among the post's
// custom emoji entities, when download-media could have it; else null.
const items::Image* emoji_picture(std::string_view shown, const items::Post& post,
                                  const std::map<std::string, items::Image>& emoji) {
  if (emoji.empty() || shown.size() < 3 || !shown.starts_with(':') || !shown.ends_with(':')) return nullptr;
  const std::string_view shortcode = shown.substr(1, shown.size() - 2);
  for (const items::Entity& entity : post.entities) {
    if (entity.kind != items::EntityKind::custom_emoji || entity.text != shortcode) continue;
    const auto found = emoji.find(entity.image_url);
    return found != emoji.end() && has_pixels(found->second) ? &found->second : nullptr;
  }
  return nullptr;
}

// Each entity is wrapped in a first-strong isolate (U+2068 … U+2069), so that "@name" or
// "#tag" inside a right-to-left post keeps its sigil in front instead of bidi moving it to
// the far end ("name@"). The isolates are invisible. A custom emoji with a picture is one
// U+FFFC, which needs no isolate: it has no direction of its own.
StyledText styled(const twitter_text::DisplayText& display, const items::Post* post = nullptr,
                  const std::map<std::string, items::Image>& emoji = {}) {
  static constexpr std::string_view kOpen = "\u2068", kClose = "\u2069", kObject = "\uFFFC";
  StyledText result;
  result.text.reserve(display.text.size() + display.spans.size() * (kOpen.size() + kClose.size()));
  std::map<const items::Image*, int> picture_index;
  std::size_t copied = 0;
  for (const auto& span : display.spans) {
    result.text.append(display.text, copied, span.begin - copied);
    copied = span.end;
    const std::string_view shown = std::string_view(display.text).substr(span.begin, span.end - span.begin);
    const bool custom_emoji = span.kind == items::EntityKind::custom_emoji;
    if (const items::Image* picture = custom_emoji && post ? emoji_picture(shown, *post, emoji) : nullptr) {
      const auto [slot, added] = picture_index.try_emplace(picture, static_cast<int>(result.pictures.size()));
      if (added) result.pictures.push_back(picture);
      result.objects.push_back({result.text.size(), slot->second});
      result.text.append(kObject);
      continue;
    }
    result.text.append(kOpen);
    const std::size_t begin = result.text.size();
    result.text.append(shown);
    if (!custom_emoji) result.inks.push_back({begin, result.text.size(), 1});
    result.text.append(kClose);
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

StyledText card_text(const items::Post& post, const std::map<std::string, items::Image>& emoji) {
  return styled(twitter_text::display_text(post), &post, emoji);
}

std::string shortened(std::string_view text, std::size_t max_code_points) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(std::min<std::size_t>(text.size(), INT32_MAX));
  int32_t end = 0;
  for (std::size_t count = 0; end < length && count < max_code_points; ++count) U8_FWD_1(bytes, end, length);
  if (end >= length) return std::string(text);
  return std::string(text.substr(0, static_cast<std::size_t>(end))).append("\u2026");
}

std::string link_host(std::string_view url) {
  // Only the scheme and the host are parsed: the path and query, which are not shown, may hold
  // what parse_url refuses (spaces, non-ASCII).
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  const auto parsed = net::parse_url(url.substr(0, url.find_first_of("/?#", scheme_end + 3)));
  if (!parsed) return "";
  std::string host = parsed->host;
  if (host.starts_with("www.") && host.size() > 4) host.erase(0, 4);
  return host;
}

StyledText card_text_of(std::string_view text) { return styled(twitter_text::display_text(text, {})); }

}  // namespace pipectl::render
