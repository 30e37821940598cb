#include "webvtt.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "temp_files.hpp"

namespace pipectl::encode {

std::string vtt_timestamp(double seconds) {
  auto millis = static_cast<long long>(std::llround(std::max(0.0, seconds) * 1000));
  char text[32];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld.%03lld", millis / 3600000, millis / 60000 % 60,
                millis / 1000 % 60, millis % 1000);
  return text;
}

void WebVttCues::add(double start, double end, const std::string& text) {
  std::string body;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') continue;
    if (c == '\n') {
      // A line break stays; an empty line would end the cue.
      if (!body.empty() && body.back() != '\n') body += '\n';
      continue;
    }
    if (c == '&') body += "&amp;";
    else if (c == '<') body += "&lt;";
    else if (c == '>') body += "&gt;";
    else body += c;
  }
  while (!body.empty() && body.back() == '\n') body.pop_back();
  if (body.empty()) return;
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
  const auto temp = stages::temp_path_for(path, path.extension().string());
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
