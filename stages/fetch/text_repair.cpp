#include "text_repair.hpp"

#include <unicode/utf8.h>

#include <boost/json.hpp>

namespace pipectl::fetch {

namespace json = boost::json;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of "\uXXXX" at `at` (which points at the backslash), or -1.
int escaped_unit(std::string_view text, size_t at) {
  if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u') return -1;
  int unit = 0;
  for (size_t i = at + 2; i < at + 6; ++i) {
    int digit = hex_value(text[i]);
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

bool is_high(int unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool is_low(int unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

}  // namespace

std::optional<std::string> mark_lone_surrogates(std::string_view text) {
  std::optional<std::string> result;
  size_t copied = 0;  // text before this offset is in `result` already
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!in_string) {
      in_string = c == '"';
      continue;
    }
    if (c == '"') {
      in_string = false;
    } else if (c == '\\') {
      int unit = escaped_unit(text, i);
      if (is_high(unit) && is_low(escaped_unit(text, i + 6))) {
        i += 11;  // a whole pair
      } else if (is_high(unit) || is_low(unit)) {
        if (!result) result.emplace().reserve(text.size());
        result->append(text.substr(copied, i - copied));
        result->push_back(static_cast<char>(0xE0 | (unit >> 12)));
        result->push_back(static_cast<char>(0x80 | ((unit >> 6) & 0x3F)));
        result->push_back(static_cast<char>(0x80 | (unit & 0x3F)));
        copied = i + 6;
        i += 5;
      } else {
        ++i;  // the escaped character, whatever it is ("\"" must not end the string)
      }
    }
  }
  if (result) result->append(text.substr(copied));
  return result;
}

namespace {

// The end of the character that starts at byte `i`: a well-formed UTF-8 sequence, or one
// ill-formed stretch that repair_utf8 replaces by one U+FFFD (`ill_formed` says which).
int32_t character_end(const uint8_t* bytes, int32_t i, int32_t length, bool& ill_formed) {
  // A surrogate encoded like a character (what mark_lone_surrogates writes) is one character.
  if (bytes[i] == 0xED && i + 2 < length && (bytes[i + 1] & 0xE0) == 0xA0 && (bytes[i + 2] & 0xC0) == 0x80) {
    ill_formed = true;
    return i + 3;
  }
  UChar32 c = 0;
  U8_NEXT(bytes, i, length, c);
  ill_formed = c < 0;  // U8_NEXT stops after the maximal ill-formed subpart
  return i;
}

}  // namespace

int repair_utf8(std::string& text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  UChar32 c = 0;
  // The common case: valid text, left alone.
  while (i < length) {
    U8_NEXT(bytes, i, length, c);
    if (c < 0) break;
  }
  if (c >= 0) return 0;
  std::string repaired;
  repaired.reserve(text.size() + 16);
  int replaced = 0;
  bool ill_formed = false;
  for (i = 0; i < length;) {
    const int32_t end = character_end(bytes, i, length, ill_formed);
    if (ill_formed) {
      repaired += "\xEF\xBF\xBD";  // U+FFFD
      ++replaced;
    } else {
      repaired.append(text, static_cast<size_t>(i), static_cast<size_t>(end - i));
    }
    i = end;
  }
  text = std::move(repaired);
  return replaced;
}

std::vector<std::size_t> character_starts(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  std::vector<std::size_t> starts;
  starts.reserve(text.size() + 1);
  bool ill_formed = false;
  for (int32_t i = 0; i < length; i = character_end(bytes, i, length, ill_formed)) starts.push_back(static_cast<std::size_t>(i));
  starts.push_back(text.size());
  return starts;
}

int repair_strings(json::value& value) {
  int replaced = 0;
  if (value.is_string()) {
    std::string text(value.get_string());
    if (int count = repair_utf8(text)) {
      value = text;
      replaced += count;
    }
  } else if (value.is_array()) {
    for (auto& entry : value.get_array()) replaced += repair_strings(entry);
  } else if (value.is_object()) {
    json::object& object = value.get_object();
    json::object rebuilt;
    bool keys_repaired = false;
    for (auto& member : object) {
      replaced += repair_strings(member.value());
      std::string key(member.key());
      if (repair_utf8(key)) keys_repaired = true;
    }
    // A key with bad bytes is rare enough to rebuild the object for (keys cannot be changed in place).
    if (keys_repaired) {
      for (auto& member : object) {
        std::string key(member.key());
        replaced += repair_utf8(key);
        rebuilt[key] = std::move(member.value());
      }
      object = std::move(rebuilt);
    }
  }
  return replaced;
}

}  // namespace pipectl::fetch
