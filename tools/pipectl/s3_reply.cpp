#include "s3_reply.hpp"

#include <unicode/utf8.h>

#include <cstdint>

namespace pipectl::cli {

namespace {

constexpr std::size_t max_summary_bytes = 400;

// Appends the UTF-8 bytes of `code` (a numeric character reference); false if it is none.
bool append_code_point(std::string& out, std::uint32_t code) {
  if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
  char bytes[U8_MAX_LENGTH];
  std::int32_t length = 0;
  U8_APPEND_UNSAFE(bytes, length, static_cast<UChar32>(code));
  out.append(bytes, static_cast<std::size_t>(length));
  return true;
}

// The value of "#123" or "#x1F"; nothing when malformed.
std::optional<std::uint32_t> numeric_reference(std::string_view entity) {
  if (entity.size() < 2 || entity[0] != '#') return std::nullopt;
  const bool hex = entity[1] == 'x' || entity[1] == 'X';
  std::string_view digits = entity.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : digits) {
    int digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else return std::nullopt;
    value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
  }
  return value;
}

// `text` with its entities decoded; an unknown or broken one is kept as written.
std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t end = text[i] == '&' ? text.find(';', i + 1) : std::string_view::npos;
    if (end == std::string_view::npos || end - i > 12) {
      out += text[i];
      continue;
    }
    const std::string_view entity = text.substr(i + 1, end - i - 1);
    bool decoded = true;
    if (entity == "amp") out += '&';
    else if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else if (auto code = numeric_reference(entity)) decoded = append_code_point(out, *code);
    else decoded = false;
    if (decoded) i = end;
    else out += text[i];
  }
  return out;
}

bool ends_name(char c) { return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (std::size_t at = xml.find('<'); at != std::string_view::npos; at = xml.find('<', at + 1)) {
    const std::size_t name_end = at + 1 + name.size();
    if (xml.compare(at + 1, name.size(), name) != 0 || name_end >= xml.size() || !ends_name(xml[name_end])) continue;
    const std::size_t tag_end = xml.find('>', name_end);
    if (tag_end == std::string_view::npos) return std::nullopt;
    if (xml[tag_end - 1] == '/') return std::string();  // <name/>
    const std::string closing = "</" + std::string(name) + ">";
    const std::size_t close = xml.find(closing, tag_end + 1);
    if (close == std::string_view::npos) return std::nullopt;
    return decode_entities(xml.substr(tag_end + 1, close - tag_end - 1));
  }
  return std::nullopt;
}

std::string s3_error_summary(std::string_view body) {
  if (body.find("<Error") == std::string_view::npos) return {};
  auto code = xml_element_text(body, "Code");
  if (!code || code->empty()) return {};
  std::string summary = *code;
  if (auto message = xml_element_text(body, "Message"); message && !message->empty()) summary += ": " + *message;
  if (summary.size() > max_summary_bytes) {
    summary.resize(max_summary_bytes);
    // Not in the middle of a UTF-8 sequence.
    while (!summary.empty() && (static_cast<unsigned char>(summary.back()) & 0xC0) == 0x80) summary.pop_back();
    if (!summary.empty() && static_cast<unsigned char>(summary.back()) >= 0xC0) summary.pop_back();
    summary += "...";
  }
  for (char& c : summary)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  return summary;
}

}  // namespace pipectl::cli
