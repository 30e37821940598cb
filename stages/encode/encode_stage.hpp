// The `encode` stage: frames in (any order), one MP4 file out.
//
// Frames carry a sequence number (0 = title card, then posts in order). A parallel renderer may
// deliver them out of order, so the stage holds early frames and writes each one as soon as all
// of its predecessors are written. At the end of the input, frames still held behind a gap (a
// post skipped upstream after an error) are written in sequence order anyway.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "items/frame.hpp"
#include "mp4_writer.hpp"
#include "webvtt.hpp"
#include "pipectl/item.hpp"
#include "pipectl/params.hpp"
#include "pipectl/stage.hpp"

namespace pipectl::encode {

struct EncodeSettings {
  std::filesystem::path path;  // the final file, as given (run variables already substituted)
  int fps = 30;
  std::string preset = "veryfast";
  double crf = 23.0;
  int threads = 0;  // 0 = automatic
  int reorder = 16;  // frames held behind a missing one before it is given up
  bool subtitles = true;  // write <path>.vtt beside the video (WebVTT, a cue per card)
  RepeatMode repeat = RepeatMode::skip;  // how a card stays on screen (mp4_writer.hpp)
};

// The subtitles file written beside `video`: the same name ending in .vtt.
std::filesystem::path subtitles_path(const std::filesystem::path& video);

// Built by the declaration (encode_stage() in encode.hpp), which has checked every setting.
class EncodeStage : public StageFor<items::Frame> {
 public:
  // Checks the settings (std::invalid_argument); opens nothing until the first frame.
  EncodeStage(EncodeSettings settings, RunContext context);
  ~EncodeStage() override;  // removes the temporary file unless finish() succeeded

  // ItemError (the frame is skipped, the stage goes on) for a frame whose size differs from
  // the first frame's, whose planes or duration are unusable, or whose sequence number is
  // negative or already used.
  void receive(Kept<items::Frame> item, Emitter& out) override;
  // Writes held frames (in sequence order, across gaps) and completes the file.
  // std::runtime_error("no frames to encode") when no frame arrived; no file is left then.
  void finish(Emitter& out) override;
  // The run stalled: every item in flight is held here, behind a frame that will not come.
  void release_held(Emitter& out) override;
  void abort() noexcept override;

  // For progress displays; safe to read from another thread while the stage runs.
  const std::filesystem::path& output_path() const { return settings_.path; }
  std::int64_t frames_encoded() const { return frames_encoded_.load(); }  // pictures
  std::int64_t cards_encoded() const { return cards_encoded_.load(); }
  double duration_seconds() const {
    return static_cast<double>(frames_encoded()) / settings_.fps;
  }
  std::int64_t frames_held() const { return frames_held_.load(); }  // waiting for predecessors
  bool complete() const { return complete_.load(); }  // the final file exists

 private:
  void check_frame(const items::Frame& frame) const;
  void write(const items::Frame& frame);
  void write_ready();  // the held frames whose predecessors are all written
  void skip_gap();     // gives up the missing frame(s) before the first held one

  EncodeSettings settings_;
  RunContext context_;
  std::map<std::int64_t, Kept<items::Frame>> held_;  // by sequence; shares the frame, no copy
  std::int64_t next_sequence_ = 0;     // the next sequence number the video expects
  std::string first_label_;            // the frame that fixed the size, for messages
  int width_ = 0;
  int height_ = 0;
  std::unique_ptr<Mp4Writer> writer_;  // opened by the first frame
  WebVttCues cues_;                    // the cards' captions, as written
  double written_seconds_ = 0;         // video time written so far
  std::atomic<std::int64_t> frames_encoded_{0};
  std::atomic<std::int64_t> cards_encoded_{0};
  std::atomic<std::int64_t> frames_held_{0};
  std::atomic<bool> complete_{false};
};

}  // namespace pipectl::encode
