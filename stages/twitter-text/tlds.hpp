// Top-level domains as twitter-text's URL pattern recognises them.
#pragma once

#include <cstddef>
#include <string_view>

namespace pipectl::twitter_text::detail {

// The length of the TLD `rest` starts with, 0 when none: a known TLD (any case) not followed by
// an ASCII letter or digit, @, + or -, else a punycode label (xn--...). When several known TLDs
// fit (Unicode ones can: the next character may be any letter of another script), the longest.
// The end of `rest` counts as the end of the text.
std::size_t tld_length(std::u32string_view rest);

}  // namespace pipectl::twitter_text::detail
