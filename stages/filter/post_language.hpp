// The language of a post as the filter stage's `languages` parameter names it: the primary
// language subtag of BCP 47 ("en" of "en-GB"), which is what X's language detection gives.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "items/post.hpp"

namespace pipectl::filter {

// Why `code` cannot be named in `languages`, or nothing. A code is a primary language subtag:
// 2 or 3 ASCII letters in any case (en, FR, fil), "und" among them.
std::optional<std::string> language_code_problem(std::string_view code);

// Which posts a `languages` list lets through. Codes are compared without case, and X's
// deprecated codes (in, iw, ji, as X still writes Indonesian, Hebrew and Yiddish) equal their
// current ones (id, he, yi) on either side. A post whose language is unknown (none given,
// "und", or a tag that is not a language code) counts as "und"; so do X's codes for text
// without a language (zxx, and qme, qht, qam, qct, qst: only media, hashtags, mentions,
// cashtags, or too short), which may also be named themselves.
class LanguageSet {
 public:
  // `codes` must each pass language_code_problem. An empty list lets every post through.
  explicit LanguageSet(const std::vector<std::string>& codes);

  bool lets_through(const items::Post& post) const;

 private:
  std::vector<std::string> codes_;  // comparable: lower case, current codes
};

}  // namespace pipectl::filter
