// Domain label lengths once IDNA-encoded, for twitter-text's DNS length check.
#pragma once

#include <cstddef>
#include <string_view>

namespace pipectl::twitter_text::detail {

// The length of `label` in its ASCII form, as twitter-text measures it (punycode.js toASCII):
// the label is split at the IDNA dots (. 。 ． ｡), each part with a non-ASCII character becomes
// "xn--" + its RFC 3492 punycode, the parts are joined with ".". Anything longer than `cap`
// gives cap + 1: only whether a label fits matters, and this keeps a huge label cheap.
std::size_t ascii_label_length(std::u32string_view label, std::size_t cap);

}  // namespace pipectl::twitter_text::detail
