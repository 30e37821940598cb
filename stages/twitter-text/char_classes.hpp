// The character classes twitter-text's rules are written in. Letters, marks and digits are
// Unicode's general categories (ICU); the rest are twitter-text's own small sets.
#pragma once

namespace pipectl::twitter_text::detail {

inline bool is_ascii_alpha(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
inline bool is_ascii_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
inline bool is_ascii_alnum(char32_t c) { return is_ascii_alpha(c) || is_ascii_digit(c); }
inline char32_t ascii_lower(char32_t c) { return c >= U'A' && c <= U'Z' ? c + 32 : c; }
inline bool is_at_sign(char32_t c) { return c == U'@' || c == U'\uFF20'; }
inline bool is_hash_sign(char32_t c) { return c == U'#' || c == U'\uFF03'; }

// ASCII punctuation: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
bool is_ascii_punct(char32_t c);
// twitter-text's spaces: \t-\r, space, U+0085, U+00A0, U+1680, U+180E, U+2000-U+200A,
// U+2028, U+2029, U+202F, U+205F, U+3000.
bool is_space(char32_t c);
// A regex \s: the spaces above and U+FEFF.
bool is_regex_space(char32_t c);
// Latin letters with accents (and combining accents): ends a mention, may sit in a URL path.
bool is_latin_accent(char32_t c);
// Unicode letters and marks (\p{L}\p{M}).
bool is_letter_or_mark(char32_t c);
// What a hashtag is made of: letters, marks, decimal digits, _ and a few joiners and
// punctuation marks of particular scripts (ZWNJ, ZWJ, Hebrew geresh, Japanese marks...).
bool is_hashtag_alnum(char32_t c);
// Characters a domain label may hold besides - and _: anything but ASCII punctuation,
// spaces, controls and the invalid characters (U+FFFE, U+FEFF, U+FFFF, U+202A-U+202E).
bool is_domain_char(char32_t c);
// Characters a URL may follow (ASCII letters and digits, @ $ # and their full-width forms
// glue it to a word or an entity).
bool is_url_preceding_char(char32_t c);
// URL path characters, and those a path may end with (so "/path." leaves out the period).
bool is_path_char(char32_t c);
bool is_path_ending_char(char32_t c);
// URL query characters, and those a query may end with.
bool is_query_char(char32_t c);
bool is_query_ending_char(char32_t c);
// Simple case folding (ICU), for top-level domains.
char32_t fold_case(char32_t c);

}  // namespace pipectl::twitter_text::detail
