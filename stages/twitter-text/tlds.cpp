#include "tlds.hpp"

#include <algorithm>
#include <string>

#include "char_classes.hpp"
#include "tld_table.hpp"

namespace pipectl::twitter_text::detail {

namespace {

bool in_table(std::u32string_view folded) {
  return std::binary_search(kTopLevelDomains, kTopLevelDomains + kTopLevelDomainCount, folded);
}

// What may not follow a TLD: it would make it part of a longer word, address or name.
bool continues_tld(char32_t c) { return is_ascii_alnum(c) || c == U'@' || c == U'+' || c == U'-'; }

// The length of an "xn--" label (an internationalised TLD in its ASCII form); 0 when none.
std::size_t xn_label_length(std::u32string_view rest) {
  if (rest.size() < 5 || ascii_lower(rest[0]) != U'x' || ascii_lower(rest[1]) != U'n' || rest[2] != U'-' ||
      rest[3] != U'-')
    return 0;
  std::size_t length = 4;
  while (length < rest.size() && (is_ascii_alnum(rest[length]) || rest[length] == U'-')) ++length;
  return length > 4 ? length : 0;
}

}  // namespace

std::size_t tld_length(std::u32string_view rest) {
  const std::size_t limit = std::min(rest.size(), kLongestTopLevelDomain);
  std::u32string folded(limit, U'\0');
  for (std::size_t i = 0; i < limit; ++i) folded[i] = fold_case(rest[i]);
  for (std::size_t length = limit; length > 0; --length) {
    if (length < rest.size() && continues_tld(rest[length])) continue;
    if (in_table(std::u32string_view(folded).substr(0, length))) return length;
  }
  return xn_label_length(rest);
}

}  // namespace pipectl::twitter_text::detail
