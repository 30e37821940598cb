#include "encode_stage.hpp"

#include <algorithm>

#include <stdexcept>
#include <utility>

#include "encode.hpp"

// x264.h needs the fixed-width integer types declared before it.
#include <cstdint>
extern "C" {
#include <x264.h>
}

#include "pipectl/output_folder.hpp"
#include "pipectl/stage_declaration.hpp"

namespace pipectl {

namespace encode {

namespace {

std::string describe(const items::Frame& frame) {
  return "frame '" + frame.label + "' (sequence " + std::to_string(frame.sequence) + ")";
}

std::string size_text(int width, int height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

Mp4WriterOptions writer_options(const EncodeSettings& settings, int width, int height) {
  Mp4WriterOptions options;
  options.width = width;
  options.height = height;
  options.fps = settings.fps;
  options.preset = settings.preset;
  options.crf = settings.crf;
  options.threads = settings.threads;
  options.repeat = settings.repeat;
  return options;
}

}  // namespace

std::vector<std::string> x264_preset_list() {
  std::vector<std::string> names;
  for (const char* const* name = x264_preset_names; *name; ++name) names.emplace_back(*name);
  return names;
}

}  // namespace encode

StageInfo encode_stage() {
  using encode::EncodeSettings;
  return declare_stage<EncodeSettings>("encode",
                                       "Encodes frames, in sequence order, into an H.264 MP4 file (libx264, faststart)")
      .input(Input<items::Frame>{"in"})
      .param("path", &EncodeSettings::path, "{out}/{handle}/{date}.mp4",
             "output file; written under a temporary name and renamed when complete")
      .param("fps", &EncodeSettings::fps, "30", "frames per second of the video").range(1, 120).unit("frames/s")
      .param("preset", &EncodeSettings::preset, "veryfast", "x264 speed/size trade-off")
      .choices(encode::x264_preset_list())
      .param("crf", &EncodeSettings::crf, "23",
             "x264 constant rate factor: lower is better quality and bigger files")
      .range(1, 51)
      .param("threads", &EncodeSettings::threads, "0",
             "x264 threads; 0: the run's share of the cores (pipectl run -j), less one for drawing unless "
             "repeat=x264")
      .range(0, 64)
      .param("reorder", &EncodeSettings::reorder, "16",
             "frames held while an earlier one is missing; beyond this the missing one is given up "
             "(its post failed upstream), so memory stays bounded")
      .range(1, 1024)
      .unit("frames")
      .param("subtitles", &EncodeSettings::subtitles, "true",
             "also write WebVTT subtitles beside the video (same name, .vtt): each card's text and time range")
      .param("repeat", &EncodeSettings::repeat, "skip",
             "how a card stays on screen: skip (fps pictures a second; x264 encodes each card once and "
             "the repeats are all-skip P pictures), x264 (x264 encodes every repeat: slower, the same "
             "look), still (one picture per card lasting its duration: variable frame rate)",
             {{"skip", encode::RepeatMode::skip}, {"x264", encode::RepeatMode::x264}, {"still", encode::RepeatMode::still}})
      .rule({"path"}, [](const EncodeSettings& settings, const RunContext& context) {
        return outside_output_folder(settings.path, context);
      })
      .writes([](const EncodeSettings& settings, const RunContext&) {
        std::vector<std::string> files{settings.path.string()};
        if (settings.subtitles) files.push_back(encode::subtitles_path(settings.path).string());
        return files;
      })
      .creates<encode::EncodeStage>();
}

namespace encode {

std::filesystem::path subtitles_path(const std::filesystem::path& video) {
  auto subtitles = video;
  subtitles.replace_extension(".vtt");
  return subtitles;
}

EncodeStage::EncodeStage(EncodeSettings settings, RunContext context)
    : settings_(std::move(settings)), context_(std::move(context)) {
  // threads=0: from the run's share of the cores rather than x264's own guess (every core).
  // With skip or still pictures x264 encodes one picture a card, and drawing, decoding and
  // muxing keep about a core busy beside it: one handle on 2 cores ran as fast with one x264
  // thread as with two, and 13 MB smaller at 1080p (each frame thread holds pictures of its
  // own; tools/bench --memory). So x264 gets the share less one core, and at least one.
  if (settings_.threads == 0 && context_.threads > 0) {
    const int share = std::min(context_.threads, 64);
    settings_.threads = settings_.repeat == RepeatMode::x264 ? share : std::max(1, share - 1);
  }
  // The declaration checked every value; the encoder's own check stays for callers that build
  // settings by hand (tests, benchmarks).
  check_encoder_settings(writer_options(settings_, 0, 0));
}

EncodeStage::~EncodeStage() = default;  // Mp4Writer's destructor removes an unfinished file

void EncodeStage::check_frame(const items::Frame& frame) const {
  if (frame.sequence < 0)
    throw ItemError(describe(frame) + " has a negative sequence number");
  if (frame.sequence < next_sequence_ || held_.count(frame.sequence))
    throw ItemError(describe(frame) + ": another frame with this sequence number came first");
  if (writer_ && (frame.width != width_ || frame.height != height_))
    throw ItemError(describe(frame) + " is " + size_text(frame.width, frame.height) +
                    ", but the video is " + size_text(width_, height_) + " (from frame '" +
                    first_label_ + "'): render every card at the same size");
  if (frame.width <= 0 || frame.height <= 0 || frame.width % 2 || frame.height % 2)
    throw ItemError(describe(frame) + " is " + size_text(frame.width, frame.height) +
                    ": width and height must be even and positive");
  const auto luma = static_cast<std::size_t>(frame.width) * frame.height;
  const auto chroma = static_cast<std::size_t>(frame.width / 2) * (frame.height / 2);
  if (frame.y.size() != luma || frame.u.size() != chroma || frame.v.size() != chroma)
    throw ItemError(describe(frame) + " has planes of the wrong length for " +
                    size_text(frame.width, frame.height) + " I420");
  try {
    Mp4Writer::pictures_for(frame.duration_seconds, settings_.fps);
  } catch (const std::invalid_argument& error) {
    throw ItemError(describe(frame) + ": " + error.what());
  }
}

void EncodeStage::receive(Kept<items::Frame> item, Emitter& /*out*/) {
  const items::Frame& frame = *item;
  check_frame(frame);
  if (!writer_) {
    // The first frame to arrive fixes the size (not necessarily sequence 0: all cards of one
    // video are rendered at one size anyway, and waiting for 0 would hold everything).
    writer_ = std::make_unique<Mp4Writer>(settings_.path,
                                          writer_options(settings_, frame.width, frame.height));
    width_ = frame.width;
    height_ = frame.height;
    first_label_ = frame.label;
  }
  held_.emplace(frame.sequence, std::move(item));
  frames_held_ = static_cast<std::int64_t>(held_.size());
  write_ready();
  // A frame missing this long will not come (its post was skipped upstream): go on without it.
  while (static_cast<std::int64_t>(held_.size()) > settings_.reorder) skip_gap();
}

void EncodeStage::release_held(Emitter& /*out*/) {
  // The run stalls because the frames held here wait for one that was dropped upstream.
  if (!held_.empty()) skip_gap();
}

void EncodeStage::skip_gap() {
  const std::int64_t next_held = held_.begin()->first;
  if (context_.warn) {
    const items::Frame& frame = *held_.begin()->second;
    std::string missing = next_held - next_sequence_ == 1
                              ? "sequence " + std::to_string(next_sequence_)
                              : "sequences " + std::to_string(next_sequence_) + ".." +
                                    std::to_string(next_held - 1);
    context_.warn("card missing", "no frame arrived for " + missing + "; " + settings_.path.string() +
                  " goes on with frame '" + frame.label + "'");
  }
  next_sequence_ = next_held;
  write_ready();
}

void EncodeStage::write(const items::Frame& frame) {
  writer_->write_card(frame);
  // The card's time on screen is what the video holds: whole pictures at the frame rate.
  const double seconds =
      static_cast<double>(Mp4Writer::pictures_for(frame.duration_seconds, settings_.fps)) / settings_.fps;
  cues_.add(written_seconds_, written_seconds_ + seconds, frame.caption);
  written_seconds_ += seconds;
  frames_encoded_ = writer_->pictures_written();
  cards_encoded_ = writer_->cards_written();
}

void EncodeStage::write_ready() {
  while (!held_.empty() && held_.begin()->first == next_sequence_) {
    const Kept<items::Frame> item = std::move(held_.begin()->second);
    held_.erase(held_.begin());
    frames_held_ = static_cast<std::int64_t>(held_.size());
    ++next_sequence_;
    write(*item);
  }
}

void EncodeStage::finish(Emitter& /*out*/) {
  if (!writer_) throw std::runtime_error("no frames to encode");
  // Whatever is still held waits behind a frame that will never come (its post failed
  // upstream and was reported there): close the gap rather than lose the rest of the day.
  while (!held_.empty()) skip_gap();
  writer_->finish();
  complete_ = true;
  if (settings_.subtitles) {
    const auto subtitles = subtitles_path(settings_.path);
    try {
      write_file_whole(subtitles, cues_.file_text());
    } catch (const std::exception& error) {
      // The video is complete: missing subtitles are worth a warning, not a failed handle.
      if (context_.warn) context_.warn("subtitles not written", std::string("subtitles: ") + error.what());
    }
  }
}

void EncodeStage::abort() noexcept {
  if (writer_) writer_->abort();
  held_.clear();
  frames_held_ = 0;
}

}  // namespace encode

}  // namespace pipectl
