// twitter-text: every extractor on the input's text, then the card's display text for it, with
// the extracted entities and with entities taken from the input (the API's own, which may be
// out of range, empty, overlapping or reversed). Input: text, then optionally a NUL and
// entities of 5 bytes each: kind (low 2 bits; bit 2: a pic.twitter.com display_url, bit 3: a
// display_url of its own), start and end (16-bit little-endian, signed).
#include <cstddef>
#include <cstdint>
#include <string>

#include "display_text.hpp"
#include "fuzz_input.hpp"
#include "twitter_text.hpp"

namespace {

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 6 ? 2 : (byte >> 4) == 14 ? 3 : (byte >> 3) == 30 ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    char32_t c = length == 1 ? byte : byte & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      c = (c << 6) | (next & 0x3F);
    }
    static constexpr char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < least[length] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

// What display_text promises: valid UTF-8 out, spans in order, not empty, within the text.
void check(const pipectl::twitter_text::DisplayText& shown) {
  if (!valid_utf8(shown.text)) __builtin_trap();
  std::size_t previous_end = 0;
  for (const auto& span : shown.spans)
    if (span.begin < previous_end || span.end <= span.begin || span.end > shown.text.size()) __builtin_trap();
    else previous_end = span.end;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl;
  auto parts = fuzz::split(fuzz::as_text(data, size));
  const std::string_view text = parts[0];
  (void)twitter_text::extract_mentions(text);
  (void)twitter_text::extract_mentions_or_lists(text);
  (void)twitter_text::extract_reply_username(text);
  (void)twitter_text::extract_urls(text, false);
  (void)twitter_text::extract_hashtags(text);
  (void)twitter_text::extract_cashtags(text);
  std::vector<items::Entity> given;
  for (const auto& found : twitter_text::extract_entities(text)) {
    items::Entity entity;
    entity.kind = found.kind;
    entity.start = found.start;
    entity.end = found.end;
    entity.text = found.value;
    given.push_back(entity);
  }
  check(twitter_text::display_text(text, given));
  check(twitter_text::display_text(text, {}));

  if (parts.size() > 1) {
    given.clear();
    std::string_view bytes = fuzz::as_text(data, size).substr(text.size() + 1);
    while (!bytes.empty()) {
      const auto kind = fuzz::take<std::uint8_t>(bytes);
      items::Entity entity;
      entity.kind = static_cast<items::EntityKind>(kind & 3);
      entity.start = fuzz::take<std::int16_t>(bytes);
      entity.end = fuzz::take<std::int16_t>(bytes);
      entity.text = "t";
      if (kind & 4) entity.display_url = "pic.twitter.com/abc";
      else if (kind & 8) entity.display_url = "example.com/\xF0\x9F\x98\x80…";
      given.push_back(entity);
    }
    check(twitter_text::display_text(text, given));
  }
  return 0;
}
