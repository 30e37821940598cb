// @mentions, @user/list mentions and the reply username.
#include "char_classes.hpp"
#include "code_points.hpp"
#include "extractors.hpp"

namespace pipectl::twitter_text::detail {

namespace {

constexpr std::size_t kMaxUsername = 20;
constexpr std::size_t kMaxListSlug = 25;  // after the '/', first character included

bool is_username_char(char32_t c) { return is_ascii_alnum(c) || c == U'_'; }

// A mention cannot follow these: they make it part of a word, an e-mail or another entity.
bool blocks_mention(char32_t c) { return is_username_char(c) || std::u32string_view(U"!#$%&*@\uFF20").find(c) != std::u32string_view::npos; }

// ...nor can an "RT" (retweet prefix, any case) that follows one of these.
bool blocks_rt(char32_t c) { return is_username_char(c) || std::u32string_view(U"+~.-").find(c) != std::u32string_view::npos; }

bool is_rt(std::u32string_view text, std::size_t at) {
  return ascii_lower(text[at]) == U'r' && ascii_lower(text[at + 1]) == U't';
}

// Whether a mention may start with the at sign at `at`, given that the scan has consumed the
// text before `consumed`: the start of the text, an allowed character, or "RT", "RT:" after one.
bool may_start_mention(std::u32string_view text, std::size_t at, std::size_t consumed) {
  if (at == 0) return true;
  if (at - 1 >= consumed && !blocks_mention(text[at - 1])) return true;
  for (std::size_t rt_length : {2, 3}) {  // "RT" or "RT:"
    if (at < rt_length) continue;
    const std::size_t rt = at - rt_length;
    if (rt_length == 3 && text[at - 1] != U':') continue;
    if (rt < consumed || !is_rt(text, rt)) continue;
    if (rt == 0 || (rt - 1 >= consumed && !blocks_rt(text[rt - 1]))) return true;
  }
  return false;
}

// What may not follow a mention: another at sign, an accented Latin letter, "://".
bool ends_mention_badly(std::u32string_view text, std::size_t end) {
  if (end >= text.size()) return false;
  const char32_t c = text[end];
  return is_at_sign(c) || is_latin_accent(c) || text.substr(end, 3) == U"://";
}

std::size_t username_end(std::u32string_view text, std::size_t begin) {
  std::size_t end = begin;
  while (end < text.size() && end - begin < kMaxUsername && is_username_char(text[end])) ++end;
  return end;
}

}  // namespace

std::vector<Entity> mentions_or_lists(std::u32string_view text) {
  std::vector<Entity> out;
  std::size_t consumed = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (!is_at_sign(text[at]) || !may_start_mention(text, at, consumed)) continue;
    const std::size_t name_end = username_end(text, at + 1);
    if (name_end == at + 1) continue;
    std::size_t end = name_end;
    // "/slug": a letter, then letters, digits, _ and -.
    if (end + 1 < text.size() && text[end] == U'/' && is_ascii_alpha(text[end + 1])) {
      std::size_t slug = end + 2;
      while (slug < text.size() && slug - (end + 1) < kMaxListSlug &&
             (is_username_char(text[slug]) || text[slug] == U'-'))
        ++slug;
      end = slug;
    }
    consumed = end;
    if (ends_mention_badly(text, end)) continue;
    Entity mention = make_entity(items::EntityKind::mention, text, at, end, at + 1, name_end);
    mention.list_slug = to_utf8(text.substr(name_end, end - name_end));
    out.push_back(std::move(mention));
    at = end - 1;
  }
  return out;
}

std::optional<std::string> reply_username(std::u32string_view text) {
  std::size_t at = 0;
  while (at < text.size() && is_space(text[at])) ++at;
  if (at == text.size() || !is_at_sign(text[at])) return std::nullopt;
  const std::size_t end = username_end(text, at + 1);
  if (end == at + 1 || ends_mention_badly(text, end)) return std::nullopt;
  return to_utf8(text.substr(at + 1, end - at - 1));
}

}  // namespace pipectl::twitter_text::detail
