// Text compared the way people search it: "Artemis" finds "ARTEMIS", "straße" finds "STRASSE",
// "サンプル" finds the half-width "ｻﾝﾌﾟﾙ", and a heart with or without its emoji variation
// selector is the same heart. Both sides are brought to Unicode's NFKC_Casefold form (the
// caseless match UAX #31 and search engines use): full case folding, compatibility forms
// (widths, ligatures, circled and superscript digits) replaced, default-ignorable code points
// (joiners, variation selectors, soft hyphens) removed. Accents still count: "cafe" does not
// find "café".
#pragma once

#include <string>
#include <string_view>

namespace pipectl::filter {

// `text` (UTF-8; ill-formed bytes become U+FFFD) in NFKC_Casefold form, as UTF-8. A needle
// folded so is found in a haystack folded so by plain byte search: UTF-8 never matches in the
// middle of a character.
std::string caseless(std::string_view text);

}  // namespace pipectl::filter
