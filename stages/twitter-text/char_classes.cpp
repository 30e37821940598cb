#include "char_classes.hpp"

#include <string_view>

#include <unicode/uchar.h>

namespace pipectl::twitter_text::detail {

namespace {

bool in(std::u32string_view set, char32_t c) { return set.find(c) != std::u32string_view::npos; }

bool is_cyrillic(char32_t c) { return c >= 0x0400 && c <= 0x04FF; }

uint32_t category_mask(char32_t c) { return U_GET_GC_MASK(static_cast<UChar32>(c)); }

}  // namespace

bool is_ascii_punct(char32_t c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}

bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 || c == 0x180E ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

bool is_regex_space(char32_t c) { return is_space(c) || c == 0xFEFF; }

bool is_latin_accent(char32_t c) {
  return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x24F) ||
         in(U"\u0253\u0254\u0256\u0257\u0259\u025B\u0263\u0268\u026F\u0272\u0289\u028B\u02BB", c) ||
         (c >= 0x300 && c <= 0x36F) || (c >= 0x1E00 && c <= 0x1EFF);
}

bool is_letter_or_mark(char32_t c) { return (category_mask(c) & (U_GC_L_MASK | U_GC_M_MASK)) != 0; }

bool is_hashtag_alnum(char32_t c) {
  if ((category_mask(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_ND_MASK)) != 0) return true;
  return in(U"_\u200C\u200D\uA67E\u05BE\u05F3\u05F4\uFF5E\u301C\u309B\u309C\u30A0\u30FB\u3003\u0F0B\u0F0C\u00B7", c);
}

bool is_domain_char(char32_t c) {
  if (c < 0x20 || c == 0x7F || is_ascii_punct(c) || is_space(c)) return false;
  if (c == 0xFFFE || c == 0xFEFF || c == 0xFFFF || (c >= 0x202A && c <= 0x202E)) return false;
  return true;
}

bool is_url_preceding_char(char32_t c) {
  // U+202A-U+202E are invalid characters but also directional marks, which a URL may follow.
  return !is_ascii_alnum(c) && !in(U"@\uFF20$#\uFF03\uFFFE\uFEFF\uFFFF", c);
}

bool is_path_char(char32_t c) {
  return is_ascii_alnum(c) || is_cyrillic(c) || is_latin_accent(c) || in(U"!*';:=+,.$/%#[]-\u2013_~@|&", c);
}

bool is_path_ending_char(char32_t c) {
  return is_ascii_alnum(c) || is_cyrillic(c) || is_latin_accent(c) || in(U"+-=_#/", c);
}

bool is_query_char(char32_t c) { return is_ascii_alnum(c) || in(U"!?*'@();:&=+$/%#[]-_.,~|", c); }

bool is_query_ending_char(char32_t c) { return is_ascii_alnum(c) || in(U"-_&=#/", c); }

char32_t fold_case(char32_t c) {
  if (c < 0x80) return ascii_lower(c);
  return static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
}

}  // namespace pipectl::twitter_text::detail
