// Hashtags: # or ＃, then letters, marks, digits and a few joiners, with at least one letter
// or mark ("#16" is not a hashtag).
#include "char_classes.hpp"
#include "extractors.hpp"

namespace pipectl::twitter_text::detail {

namespace {

// A hashtag may start the text, follow an emoji's variation selector, or follow any character
// that is not part of a hashtag itself or '&' ("&#nbsp;" is an HTML entity, not a hashtag).
bool may_start_hashtag(std::u32string_view text, std::size_t sign, std::size_t consumed) {
  if (sign == 0) return true;
  if (sign - 1 < consumed) return false;
  const char32_t before = text[sign - 1];
  if (before == U'\uFE0E' || before == U'\uFE0F') return true;
  return !is_hashtag_alnum(before) && before != U'&';
}

}  // namespace

std::vector<Entity> hashtags(std::u32string_view text) {
  std::vector<Entity> out;
  std::size_t consumed = 0;
  for (std::size_t sign = 0; sign < text.size(); ++sign) {
    if (!is_hash_sign(text[sign]) || !may_start_hashtag(text, sign, consumed)) continue;
    // "#️" (emoji presentation) and "#⃣" (keycap) are emoji, not hashtags.
    if (sign + 1 < text.size() && (text[sign + 1] == U'\uFE0F' || text[sign + 1] == U'\u20E3')) continue;
    std::size_t end = sign + 1;
    bool has_letter = false;
    while (end < text.size() && is_hashtag_alnum(text[end])) has_letter |= is_letter_or_mark(text[end++]);
    if (!has_letter) continue;
    const std::size_t start = sign;
    consumed = end;
    sign = end - 1;
    // "#tag#more" and "#http://..." are not hashtags.
    if (end < text.size() && (is_hash_sign(text[end]) || text.substr(end, 3) == U"://")) continue;
    out.push_back(make_entity(items::EntityKind::hashtag, text, start, end, start + 1, end));
  }
  return out;
}

}  // namespace pipectl::twitter_text::detail
