// UTF-8 <-> code points. Extraction works on code points: twitter-text's rules and the X API's
// entity offsets both count them.
#pragma once

#include <string>
#include <string_view>

namespace pipectl::twitter_text::detail {

// Each ill-formed byte sequence (its maximal subpart, as ICU's U8_NEXT reads it) becomes U+FFFD.
std::u32string to_code_points(std::string_view utf8);
// Surrogates and values beyond U+10FFFF become U+FFFD: the result is always valid UTF-8.
std::string to_utf8(std::u32string_view text);
void append_utf8(std::string& out, char32_t c);
void append_utf8(std::string& out, std::u32string_view text);

}  // namespace pipectl::twitter_text::detail
