#include "webvtt.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string_view>

#include "pipectl/temp_files.hpp"

namespace pipectl::encode {

namespace {

// Past this (a little over 11 years of video) a time is clamped: llround of a larger double
// would overflow, and no card lasts that long.
constexpr double kMaxSeconds = 360'000'000.0;

double usable_seconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return 0;
  return std::min(seconds, kMaxSeconds);
}

// The next code point of `text` from `i` (advanced past it); a malformed or overlong
// sequence, a surrogate or a value past U+10FFFF is one byte of U+FFFD.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  int length = 0;
  char32_t c = 0;
  if (lead < 0x80) {
    ++i;
    return lead;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, c = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, c = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, c = lead & 0x07;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + length > text.size()) {
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k < length; ++k) {
    const unsigned char next = byte(i + k);
    if ((next & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (next & 0x3F);
  }
  const char32_t smallest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
  if (c < smallest || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
    ++i;
    return 0xFFFD;
  }
  i += static_cast<std::size_t>(length);
  return c;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Ends the line being built in `body`: its trailing white space goes, and a line left blank
// goes with it (a blank line ends a cue, and FFmpeg's reader also ends one at a line of
// spaces).
void end_line(std::string& body, std::size_t line_start) {
  while (body.size() > line_start && (body.back() == ' ' || body.back() == '\t')) body.pop_back();
  if (body.size() > line_start) body += '\n';
}

}  // namespace

std::string vtt_timestamp(double seconds) {
  auto millis = static_cast<long long>(std::llround(usable_seconds(seconds) * 1000));
  char text[48];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld.%03lld", millis / 3600000, millis / 60000 % 60,
                millis / 1000 % 60, millis % 1000);
  return text;
}

std::string cue_text(std::string_view text) {
  std::string body;
  body.reserve(text.size() + text.size() / 8);
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = next_code_point(text, i);
    if (c == u'\r' || c == u'\n' || c == 0x2028 || c == 0x2029 || c == 0x85) {
      // CR, LF and CR LF all end a line in WebVTT; Unicode's line and paragraph separators
      // (and NEL) become line ends too, rather than something a player may or may not break at.
      end_line(body, line_start);
      line_start = body.size();
    } else if (c == u'\t') {
      body += ' ';
    } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      // Other controls (NUL, ESC, C1): invisible at best, and a NUL ends the text for C
      // readers.
    } else if (c == u'&') {
      body += "&amp;";
    } else if (c == u'<') {
      body += "&lt;";
    } else if (c == u'>') {
      // Escaped, so "-->" (which makes a line a cue's timing line) never appears in a text.
      body += "&gt;";
    } else {
      append_utf8(body, c);
    }
  }
  end_line(body, line_start);
  while (!body.empty() && body.back() == '\n') body.pop_back();
  return body;
}

void WebVttCues::add(double start, double end, const std::string& text) {
  const std::string body = cue_text(text);
  if (body.empty()) return;
  start = usable_seconds(start);
  end = std::max(start, usable_seconds(end));
  std::string cue = std::to_string(cues_.size() + 1);
  cue.append("\n").append(vtt_timestamp(start)).append(" --> ").append(vtt_timestamp(end)).append("\n");
  cue.append(body).append("\n");
  cues_.push_back(std::move(cue));
}

std::string WebVttCues::file_text() const {
  std::string text = "WEBVTT\n";
  for (const auto& cue : cues_) text.append("\n").append(cue);
  return text;
}

void write_file_whole(const std::filesystem::path& path, const std::string& text) {
  const auto temp = pipectl::temp_path_for(path, path.extension().string());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      throw std::runtime_error("cannot write " + path.string());
    }
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) {
    std::filesystem::remove(temp, error);
    throw std::runtime_error("cannot write " + path.string() + ": " + error.message());
  }
}

}  // namespace pipectl::encode
