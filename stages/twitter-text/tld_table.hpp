// The top-level domains, generated at build time from the Public Suffix List (gen_tld_table.py).
#pragma once

#include <cstddef>
#include <string_view>

namespace pipectl::twitter_text::detail {

extern const std::u32string_view kTopLevelDomains[];  // lower case, sorted by code point
extern const std::size_t kTopLevelDomainCount;
extern const std::size_t kLongestTopLevelDomain;  // in code points

}  // namespace pipectl::twitter_text::detail
