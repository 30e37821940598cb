// Domain names as twitter-text's URL pattern matches them, without backtracking regexes:
// everything is computed once per position and memoised, so a text costs linear time however
// many dots and labels it holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace pipectl::twitter_text::detail {

// Finds domains in one text. A domain is labels joined by dots and then a top-level domain
// (tlds.hpp): subdomain labels may hold _ and -, the last label - but not _, and no label starts
// or ends with either. Like the greedy pattern, the reading with the most labels wins.
class DomainScanner {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  explicit DomainScanner(std::u32string_view text);

  // The end of the domain that starts at `start`, or npos.
  std::size_t domain_end(std::size_t start);

 private:
  bool is_label(std::size_t start, bool allow_underscore) const;
  std::size_t after_tld(std::size_t start);  // memoised; npos when no TLD starts there
  std::size_t evaluate(std::size_t start);

  std::u32string_view text_;
  std::vector<std::uint32_t> run_end_;          // end of the run of label characters from here
  std::vector<std::uint32_t> next_underscore_;  // first '_' at or after here
  std::vector<std::size_t> domain_memo_;
  std::vector<std::size_t> tld_memo_;
  std::vector<std::size_t> chain_;
};

// The ASCII domains (labels of ASCII letters, digits, - and Latin accented letters, then a TLD)
// inside `domain`, as [begin, end) offsets into it, left to right. A URL without a protocol
// links only these: "これはexample.com" links example.com.
std::vector<std::pair<std::size_t, std::size_t>> ascii_domains(std::u32string_view domain);

}  // namespace pipectl::twitter_text::detail
