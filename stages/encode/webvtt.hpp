// WebVTT subtitles beside a video: one cue per card with what the card says and when it is on
// screen, so the video can be read by a screen reader and searched.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pipectl::encode {

class WebVttCues {
 public:
  // A cue from `start` to `end` seconds, its text made safe by cue_text; no cue when nothing
  // is left of the text. Times that are negative or not finite count as 0, an end before the
  // start as the start.
  void add(double start, double end, const std::string& text);
  bool empty() const { return cues_.empty(); }
  // The whole file: "WEBVTT", a blank line, then the numbered cues.
  std::string file_text() const;

 private:
  std::vector<std::string> cues_;
};

// "00:01:02.500". Negative and non-finite times are 0; times are clamped at 100,000 hours.
std::string vtt_timestamp(double seconds);

// Any text as the text of one WebVTT cue, whatever it holds: valid UTF-8 (malformed bytes
// become U+FFFD); &, < and > escaped (so no "-->", which would start a new cue, and no tags);
// CR, LF, CR LF, U+2028, U+2029 and NEL as line ends, with trailing spaces trimmed and blank
// or all-space lines dropped (a blank line ends a cue); tabs as spaces; other C0 and C1
// controls and DEL removed. Bidi controls stay (post text may need them); names reach the
// caption without theirs (render's caption_name).
std::string cue_text(std::string_view text);

// Writes `text` under a temporary name next to `path`, then renames it onto `path`: readers
// never see half a file. Throws std::runtime_error naming the file.
void write_file_whole(const std::filesystem::path& path, const std::string& text);

}  // namespace pipectl::encode
