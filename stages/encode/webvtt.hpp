// WebVTT subtitles beside a video: one cue per card with what the card says and when it is on
// screen, so the video can be read by a screen reader and searched.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pipectl::encode {

class WebVttCues {
 public:
  // A cue from `start` to `end` seconds. The text is plain: blank lines (which would end a
  // cue) are closed up, and &, < and > are escaped.
  void add(double start, double end, const std::string& text);
  bool empty() const { return cues_.empty(); }
  // The whole file: "WEBVTT", a blank line, then the numbered cues.
  std::string file_text() const;

 private:
  std::vector<std::string> cues_;
};

// "00:01:02.500".
std::string vtt_timestamp(double seconds);

// Writes `text` under a temporary name next to `path`, then renames it onto `path`: readers
// never see half a file. Throws std::runtime_error naming the file.
void write_file_whole(const std::filesystem::path& path, const std::string& text);

}  // namespace pipectl::encode
