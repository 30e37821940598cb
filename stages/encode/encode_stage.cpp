#include "encode_stage.hpp"

#include <algorithm>

#include <stdexcept>
#include <utility>

#include "builtin.hpp"

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

EncodeSettings encode_settings(const Params& params) {
  EncodeSettings settings;
  settings.path = params.text("path");
  settings.fps = static_cast<int>(params.integer("fps"));
  settings.preset = params.text("preset");
  settings.crf = params.number("crf");
  settings.threads = static_cast<int>(params.integer("threads"));
  settings.reorder = static_cast<int>(params.integer("reorder"));
  settings.subtitles = params.boolean("subtitles");
  settings.repeat = repeat_mode_named(params.text("repeat"));
  return settings;
}

StageInfo encode_stage_info() {
  StageInfo info;
  info.name = "encode";
  info.summary = "Encodes frames, in sequence order, into an H.264 MP4 file (libx264, faststart)";
  info.inputs = {{"in", "frame"}};
  info.outputs = {};  // the stage's product is the file
  info.params = {
      {"path", ParamType::string, "{out}/{handle}/{date}.mp4",
       "output file; written under a temporary name and renamed when complete"},
      {"fps", ParamType::integer, "30", "frames per second of the video", 1.0, 120.0},
      {"preset", ParamType::string, "veryfast",
       "x264 speed/size trade-off: one of " + x264_presets_text()},
      {"crf", ParamType::number, "23",
       "x264 constant rate factor: lower is better quality and bigger files", 1.0, 51.0},
      {"threads", ParamType::integer, "0", "x264 threads; 0: the run's share of the cores (pipectl run -j), less one for drawing unless repeat=x264", 0.0, 64.0},
      {"reorder", ParamType::integer, "16",
       "frames held while an earlier one is missing; beyond this the missing one is given up "
       "(its post failed upstream), so memory stays bounded", 1.0, 1024.0},
      {"subtitles", ParamType::boolean, "true",
       "also write WebVTT subtitles beside the video (same name, .vtt): each card's text and time range"},
      {"repeat", ParamType::string, "skip",
       "how a card stays on screen: skip (fps pictures a second; x264 encodes each card once and "
       "the repeats are all-skip P pictures), x264 (x264 encodes every repeat: slower, the same "
       "look), still (one picture per card lasting its duration: variable frame rate)",
       {}, {}, false, repeat_mode_names()},
  };
  info.create = [](const Params& params, const RunContext& context) -> std::unique_ptr<Stage> {
    return std::make_unique<EncodeStage>(encode_settings(params), context);
  };
  return info;
}

EncodeStage::EncodeStage(EncodeSettings settings, RunContext context)
    : settings_(std::move(settings)), context_(std::move(context)) {
  if (settings_.path.empty()) throw std::invalid_argument("encode: the output path is empty");
  if (settings_.fps < 1 || settings_.fps > 120)
    throw std::invalid_argument("encode: fps " + std::to_string(settings_.fps) +
                                " is out of range 1..120");
  if (settings_.threads > 64)
    throw std::invalid_argument("encode: threads " + std::to_string(settings_.threads) +
                                " is out of range 0..64");
  // threads=0: from the run's share of the cores rather than x264's own guess (every core).
  // With skip or still pictures x264 encodes one picture a card, and drawing, decoding and
  // muxing keep about a core busy beside it: one handle on 2 cores ran as fast with one x264
  // thread as with two, and 13 MB smaller at 1080p (each frame thread holds pictures of its
  // own; tools/bench --memory). So x264 gets the share less one core, and at least one.
  if (settings_.threads == 0 && context_.threads > 0) {
    const int share = std::min(context_.threads, 64);
    settings_.threads = settings_.repeat == RepeatMode::x264 ? share : std::max(1, share - 1);
  }
  // The output folder the user chose is the only place pipectl writes to.
  if (!context_.out_dir.empty()) {
    auto folder = std::filesystem::weakly_canonical(std::filesystem::absolute(context_.out_dir));
    auto file = std::filesystem::weakly_canonical(std::filesystem::absolute(settings_.path));
    auto [folder_end, file_part] = std::mismatch(folder.begin(), folder.end(), file.begin(), file.end());
    if (folder_end != folder.end() || file_part == file.end())
      throw std::invalid_argument("encode: path " + settings_.path.string() + " is outside the output folder " +
                                  context_.out_dir + "; write under {out}");
  }
  // Refuse a bad preset (or crf) when the graph starts, not when the first frame arrives.
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

void EncodeStage::process(const Item& item, Emitter& /*out*/) {
  const auto& frame = item.as<items::Frame>();
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
  held_.emplace(frame.sequence, item);
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
    const auto& frame = held_.begin()->second.as<items::Frame>();
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
    const Item item = std::move(held_.begin()->second);
    held_.erase(held_.begin());
    frames_held_ = static_cast<std::int64_t>(held_.size());
    ++next_sequence_;
    write(item.as<items::Frame>());
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
    auto subtitles = settings_.path;
    subtitles.replace_extension(".vtt");
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

void register_encode_stage(Registry& registry) { registry.add(encode::encode_stage_info()); }

}  // namespace pipectl
