// Mp4Writer: H.264 (libx264, used directly) muxed into an MP4 file (libavformat).
//
// The file is written under a temporary name next to the final path and renamed onto it only
// once complete (trailer written, file closed): a crash, abort() or exception never leaves a
// half video under the final name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "items/frame.hpp"

namespace pipectl::encode {

// How a card's picture is held on screen for its duration.
enum class RepeatMode {
  skip,   // constant frame rate: x264 encodes the card once (an IDR picture), and each repeat
          // is an all-skip P picture written here (h264_skip.hpp): one encode per card
  x264,   // constant frame rate: x264 encodes every repeat again (the slow way, for comparison)
  still,  // variable frame rate: one picture per card, lasting the card's duration
};

struct Mp4WriterOptions {
  int width = 0;   // even, > 0
  int height = 0;  // even, > 0
  int fps = 30;    // constant frame rate; the timebase is 1/fps
  std::string preset = "veryfast";  // one of x264_preset_names
  std::string tune;                 // one of x264_tune_names, or empty for none
  double crf = 23.0;                // 0..51
  int threads = 0;                  // 0 = let x264 choose
  RepeatMode repeat = RepeatMode::skip;
};

// "skip", "x264", "still"; and back (std::invalid_argument naming them all).
const char* to_string(RepeatMode mode);
RepeatMode repeat_mode_named(const std::string& name);
// Every mode's name, in the enum's order (the encode stage's `repeat` choices).
std::vector<std::string> repeat_mode_names();

// Checks everything but the size (fps, crf, threads, preset, tune); std::invalid_argument
// naming the valid values otherwise. Lets a stage refuse bad settings before any frame.
void check_encoder_settings(const Mp4WriterOptions& options);


// The x264 presets, in order from fastest to slowest ("ultrafast", ..., "placebo").
std::vector<std::string> x264_presets();
// "ultrafast, superfast, ..." for error messages.
std::string x264_presets_text();

class Mp4Writer {
 public:
  // Creates the parent folders of `final_path`, opens the encoder and the temporary file.
  // Throws std::invalid_argument for bad options, std::runtime_error when the encoder or the
  // file cannot be opened (nothing is left behind then).
  Mp4Writer(std::filesystem::path final_path, const Mp4WriterOptions& options);
  // Without a successful finish(), the temporary file is removed.
  ~Mp4Writer();
  Mp4Writer(const Mp4Writer&) = delete;
  Mp4Writer& operator=(const Mp4Writer&) = delete;

  // How many pictures a card of `duration_seconds` takes at `fps`: round(duration * fps), and at
  // least one so a very short card is still seen. std::invalid_argument for a duration that is
  // not a finite positive number.
  static std::int64_t pictures_for(double duration_seconds, int fps);

  // Appends one card, shown for frame.duration_seconds. Throws std::invalid_argument when the
  // frame does not fit (size, plane lengths, duration): the writer is unchanged and usable.
  // Throws std::runtime_error when encoding or writing fails: the writer is then closed and
  // its temporary file removed.
  void write_card(const items::Frame& frame);

  // Flushes the encoder's delayed pictures, writes the trailer (moving the index to the front
  // for +faststart), closes the file and renames it to the final path. On failure the
  // temporary file is removed and std::runtime_error thrown.
  void finish();

  // Abandons the file: closes it and removes the temporary file. Idempotent.
  void abort() noexcept;

  const std::filesystem::path& final_path() const { return final_path_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }
  const Mp4WriterOptions& options() const { return options_; }
  bool finished() const { return state_ == State::finished; }

  std::int64_t pictures_written() const { return pictures_submitted_; }  // encoded pictures
  std::int64_t cards_written() const { return cards_written_; }
  double duration_seconds() const {
    return static_cast<double>(pictures_submitted_) / options_.fps;
  }

 private:
  enum class State { open, finished, failed };
  struct Impl;  // libx264 and libavformat handles, kept out of this header

  // The one place a card becomes pictures (see RepeatMode).
  void encode_card(const items::Frame& frame, std::int64_t pictures);
  // Drains one encoder call (nullptr = flush) into the muxer; returns false when x264 had no
  // output. `force_idr`: the picture starts a card (skip and still modes).
  bool encode_and_write(bool flush, const items::Frame* frame, bool force_idr = false);
  // Writes one packet: `data` is length-prefixed NAL units; pts/dts in pictures.
  void write_packet(const std::uint8_t* data, std::size_t size, std::int64_t pts, std::int64_t dts,
                    std::int64_t duration, bool key);
  void fail_and_throw(const std::string& what);
  void close_and_remove() noexcept;

  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  Mp4WriterOptions options_;
  std::unique_ptr<Impl> impl_;
  State state_ = State::open;
  std::int64_t pictures_submitted_ = 0;
  std::int64_t cards_written_ = 0;
};

}  // namespace pipectl::encode
