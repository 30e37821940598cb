#include "caseless_text.hpp"

#include <cstdint>
#include <limits>
#include <stdexcept>

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace pipectl::filter {

std::string caseless(std::string_view text) {
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::length_error("a text of more than 2 GiB cannot be folded");
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU has no NFKC_Casefold data: ") + u_errorName(status));
  const icu::UnicodeString input =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
  const icu::UnicodeString folded = fold->normalize(input, status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("cannot fold text: ") + u_errorName(status));
  std::string result;
  folded.toUTF8String(result);
  return result;
}

}  // namespace pipectl::filter
