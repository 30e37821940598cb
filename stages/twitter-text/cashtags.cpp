// Cashtags: $ then 1-6 ASCII letters, optionally "." or "_" and 1-2 more ($TEST.T, $BRK_B),
// after a space or at the start, and followed by the end, a space or punctuation.
#include "char_classes.hpp"
#include "extractors.hpp"

namespace pipectl::twitter_text::detail {

namespace {

bool may_end_cashtag(std::u32string_view text, std::size_t end) {
  return end == text.size() || is_regex_space(text[end]) || is_ascii_punct(text[end]);
}

std::size_t alpha_run(std::u32string_view text, std::size_t begin, std::size_t limit) {
  std::size_t end = begin;
  while (end < text.size() && end - begin < limit && is_ascii_alpha(text[end])) ++end;
  return end - begin;
}

// The end of the cashtag whose '$' is at `dollar`, or 0. Tries the longest symbol first, with
// its suffix before without, as the greedy pattern does.
std::size_t cashtag_end(std::u32string_view text, std::size_t dollar) {
  const std::size_t first = dollar + 1;
  for (std::size_t length = alpha_run(text, first, 6); length > 0; --length) {
    const std::size_t dot = first + length;
    if (dot < text.size() && (text[dot] == U'.' || text[dot] == U'_'))
      for (std::size_t suffix = alpha_run(text, dot + 1, 2); suffix > 0; --suffix)
        if (may_end_cashtag(text, dot + 1 + suffix)) return dot + 1 + suffix;
    if (may_end_cashtag(text, dot)) return dot;
  }
  return 0;
}

}  // namespace

std::vector<Entity> cashtags(std::u32string_view text) {
  std::vector<Entity> out;
  std::size_t consumed = 0;
  for (std::size_t dollar = 0; dollar < text.size(); ++dollar) {
    if (text[dollar] != U'$') continue;
    if (dollar > 0 && (dollar - 1 < consumed || !is_space(text[dollar - 1]))) continue;
    const std::size_t end = cashtag_end(text, dollar);
    if (end == 0) continue;
    out.push_back(make_entity(items::EntityKind::cashtag, text, dollar, end, dollar + 1, end));
    consumed = end;
    dollar = end - 1;
  }
  return out;
}

}  // namespace pipectl::twitter_text::detail
