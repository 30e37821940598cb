// The encode stage and its MP4 writer, checked with ffprobe/ffmpeg rather than our own code.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "builtin.hpp"
#include "encode.hpp"
#include "encode_stage.hpp"
#include "items/frame.hpp"
#include "mp4_writer.hpp"
#include "pipectl/registry.hpp"
#include "pipectl/temp_files.hpp"
#include "webvtt.hpp"
#include "pipectl/write_errors.hpp"
#include "support/file_limits.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"

namespace fs = std::filesystem;
using pipectl::Item;
using pipectl::items::Frame;
using pipectl::test::TempDir;

namespace {

constexpr int kFps = 30;

// A blocky luma pattern, different for every `card`: 16x16 flat blocks sit on macroblock
// boundaries, so a good encode reproduces them closely and the cards are easy to tell apart.
std::vector<std::uint8_t> card_luma(int width, int height, int card) {
  std::vector<std::uint8_t> y(static_cast<std::size_t>(width) * height);
  for (int row = 0; row < height; ++row)
    for (int col = 0; col < width; ++col) {
      const int bx = col / 16, by = row / 16;
      const int value = 16 + ((bx * (3 + card) + by * (5 + 2 * card) + 29 * card) * 37) % 220;
      y[static_cast<std::size_t>(row) * width + col] = static_cast<std::uint8_t>(value);
    }
  return y;
}

Frame make_card(int width, int height, std::int64_t sequence, double seconds = 1.0,
                int pattern = -1) {
  Frame frame;
  frame.width = width;
  frame.height = height;
  const int card = pattern < 0 ? static_cast<int>(sequence) : pattern;
  frame.y = card_luma(width, height, card);
  const auto chroma = static_cast<std::size_t>(width / 2) * (height / 2);
  frame.u.assign(chroma, static_cast<std::uint8_t>(100 + 20 * (card % 4)));
  frame.v.assign(chroma, static_cast<std::uint8_t>(150 - 15 * (card % 4)));
  frame.sequence = sequence;
  frame.duration_seconds = seconds;
  frame.label = sequence == 0 ? "title" : "post-" + std::to_string(sequence);
  return frame;
}

class NullEmitter : public pipectl::Emitter {
 public:
  void emit(Item /*item*/) override { FAIL("encode emitted an item"); }
};

std::vector<fs::path> files_in(const fs::path& folder) {
  std::vector<fs::path> files;
  if (!fs::exists(folder)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(folder))
    if (!entry.is_directory()) files.push_back(entry.path());
  return files;
}

// Through the registry and Params, the way a graph creates the stage. `warnings` must outlive
// the stage (the RunContext's warn callback appends to it).
std::unique_ptr<pipectl::Stage> make_stage(const fs::path& output,
                                           std::vector<std::string>& warnings,
                                           const std::string& preset = "veryfast",
                                           const std::string& reorder = "16",
                                           const std::string& repeat = "skip", int run_threads = 0) {
  pipectl::Registry registry;
  registry.add(pipectl::encode_stage());
  const pipectl::StageInfo* info = registry.find("encode");
  REQUIRE(info != nullptr);
  pipectl::Params params({{"path", output.string()},
                          {"fps", std::to_string(kFps)},
                          {"preset", preset},
                          {"crf", "23"},
                          {"threads", "0"},
                          {"reorder", reorder},
                          {"subtitles", "true"},
                          {"repeat", repeat}});
  pipectl::RunContext context;
  context.variables["handle"] = "nasa";
  context.variables["date"] = "2026-11-24";
  context.out_dir = output.parent_path().string();
  context.threads = run_threads;
  context.warn = [&warnings](const std::string& message) { warnings.push_back(message); };
  return info->create(params, context);
}

pipectl::encode::EncodeStage& as_encode(pipectl::Stage& stage) {
  return dynamic_cast<pipectl::encode::EncodeStage&>(stage);
}

// Each card `k` of `seconds` is checked in its middle against `patterns[k]`.
void check_cards(const fs::path& file, int width, int height, double seconds,
                 const std::vector<int>& patterns) {
  for (std::size_t k = 0; k < patterns.size(); ++k) {
    const double middle = (static_cast<double>(k) + 0.5) * seconds;
    const auto decoded = pipectl::test::decode_luma_at(file, middle, width, height);
    const double quality = pipectl::test::psnr(card_luma(width, height, patterns[k]), decoded);
    INFO("card " << k << " at " << middle << " s should show pattern " << patterns[k]);
    CHECK(quality >= 35.0);
    // And it is not merely similar to a neighbour: the other patterns score far lower.
    for (std::size_t other = 0; other < patterns.size(); ++other)
      if (patterns[other] != patterns[k])
        CHECK(pipectl::test::psnr(card_luma(width, height, patterns[other]), decoded) < 20.0);
  }
}

void check_video(const fs::path& file, int width, int height, long frames) {
  const auto probe = pipectl::test::probe_video(file);
  CHECK(probe.codec == "h264");
  CHECK(probe.pix_fmt == "yuv420p");
  CHECK(probe.profile == "High");
  CHECK(probe.width == width);
  CHECK(probe.height == height);
  CHECK(probe.frames == frames);
  CHECK(std::abs(probe.duration - static_cast<double>(frames) / kFps) <= 1.0 / kFps + 1e-6);
  CHECK(probe.fps == Approx(kFps));
  CHECK(probe.start_time == Approx(0.0).margin(1e-6));  // first picture at time 0
  CHECK(probe.color_space == "bt709");
  CHECK(probe.color_range == "tv");
  CHECK(probe.moov_before_mdat);
  CHECK(pipectl::test::decode_errors(file).empty());
}

}  // namespace

TEST_CASE("encode: declaration", "[encode]") {
  pipectl::Registry registry;
  registry.add(pipectl::encode_stage());
  const pipectl::StageInfo* info = registry.find("encode");
  REQUIRE(info != nullptr);
  CHECK(!info->summary.empty());
  REQUIRE(info->inputs.size() == 1);
  CHECK(info->inputs[0].name == "in");
  CHECK(info->inputs[0].item_type == "frame");
  CHECK(info->outputs.empty());
  std::map<std::string, pipectl::ParamSpec> params;
  for (const auto& spec : info->params) params[spec.name] = spec;
  REQUIRE(params.size() == 8);
  CHECK(params["repeat"].default_value == "skip");
  CHECK(params["repeat"].choices == std::vector<std::string>{"skip", "x264", "still"});
  CHECK(params["subtitles"].type == pipectl::ParamType::boolean);
  CHECK(params["subtitles"].default_value == "true");
  CHECK(params["reorder"].default_value == "16");
  CHECK(params["path"].default_value == "{out}/{handle}/{date}.mp4");
  CHECK(params["path"].type == pipectl::ParamType::string);
  CHECK(params["fps"].type == pipectl::ParamType::integer);
  CHECK(params["fps"].default_value == "30");
  CHECK(params["fps"].min == 1.0);
  CHECK(params["fps"].max == 120.0);
  CHECK(params["preset"].default_value == "veryfast");
  CHECK(params["crf"].type == pipectl::ParamType::number);
  CHECK(params["crf"].default_value == "23");
  CHECK(params["crf"].max == 51.0);
  CHECK(params["threads"].default_value == "0");
  CHECK(params["threads"].max == 64.0);
}

TEST_CASE("encode: writer makes an H.264 MP4 that ffprobe accepts", "[encode][writer]") {
  TempDir dir;
  const fs::path output = dir.path() / "nested" / "folders" / "day.mp4";
  pipectl::encode::Mp4WriterOptions options;
  options.width = 320;
  options.height = 240;
  pipectl::encode::Mp4Writer writer(output, options);
  // While writing, only the temporary file exists, next to the final path.
  CHECK(writer.temp_path().parent_path() == output.parent_path());
  CHECK(writer.temp_path().extension() == ".mp4");
  CHECK(fs::exists(writer.temp_path()));
  CHECK_FALSE(fs::exists(output));

  for (int card = 0; card < 3; ++card) writer.write_card(make_card(320, 240, card));
  CHECK(writer.cards_written() == 3);
  CHECK(writer.pictures_written() == 3 * kFps);
  CHECK(writer.duration_seconds() == Approx(3.0));
  CHECK_FALSE(fs::exists(output));
  writer.finish();

  REQUIRE(fs::exists(output));
  CHECK(files_in(dir.path()) == std::vector<fs::path>{output});  // no temporary left
  check_video(output, 320, 240, 3 * kFps);
  check_cards(output, 320, 240, 1.0, {0, 1, 2});
}

TEST_CASE("encode: a card lasts round(duration * fps) pictures", "[encode][writer]") {
  using pipectl::encode::Mp4Writer;
  CHECK(Mp4Writer::pictures_for(3.0, 30) == 90);
  CHECK(Mp4Writer::pictures_for(0.5, 30) == 15);
  CHECK(Mp4Writer::pictures_for(1.0 / 3.0, 30) == 10);
  CHECK(Mp4Writer::pictures_for(0.001, 30) == 1);  // never vanishes
  CHECK_THROWS_AS(Mp4Writer::pictures_for(0.0, 30), std::invalid_argument);
  CHECK_THROWS_AS(Mp4Writer::pictures_for(-1.0, 30), std::invalid_argument);
  CHECK_THROWS_AS(Mp4Writer::pictures_for(NAN, 30), std::invalid_argument);

  TempDir dir;
  const fs::path output = dir.path() / "durations.mp4";
  std::vector<std::string> warnings;
  auto stage = make_stage(output, warnings);
  NullEmitter out;
  stage->process(Item::make(make_card(320, 240, 0, 0.5)), out);
  stage->process(Item::make(make_card(320, 240, 1, 1.5)), out);
  stage->finish(out);
  CHECK(as_encode(*stage).frames_encoded() == 60);
  CHECK(as_encode(*stage).duration_seconds() == Approx(2.0));
  check_video(output, 320, 240, 60);
}

TEST_CASE("encode: 1080p, two cards of 3 s", "[encode][1080p]") {
  TempDir dir;
  const fs::path output = dir.path() / "nasa" / "2026-11-24.mp4";
  std::vector<std::string> warnings;
  auto stage = make_stage(output, warnings);
  NullEmitter out;
  const auto started = std::chrono::steady_clock::now();
  stage->process(Item::make(make_card(1920, 1080, 0, 3.0)), out);
  stage->process(Item::make(make_card(1920, 1080, 1, 3.0)), out);
  stage->finish(out);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  WARN("1080p veryfast: " << 180 / took.count() << " frames/s");

  auto& encode = as_encode(*stage);
  CHECK(encode.complete());
  CHECK(encode.output_path() == output);
  CHECK(encode.cards_encoded() == 2);
  CHECK(encode.frames_encoded() == 180);
  CHECK(encode.duration_seconds() == Approx(6.0));
  CHECK(warnings.empty());
  fs::path subtitles = output;
  subtitles.replace_extension(".vtt");
  auto files = files_in(dir.path());
  std::sort(files.begin(), files.end());
  CHECK(files == std::vector<fs::path>{output, subtitles});
  check_video(output, 1920, 1080, 180);
  check_cards(output, 1920, 1080, 3.0, {0, 1});
}

TEST_CASE("encode: frames out of order come out in sequence order", "[encode][order]") {
  TempDir dir;
  const fs::path output = dir.path() / "order.mp4";
  std::vector<std::string> warnings;
  auto stage = make_stage(output, warnings);
  auto& encode = as_encode(*stage);
  NullEmitter out;

  stage->process(Item::make(make_card(320, 240, 2)), out);
  CHECK(encode.frames_held() == 1);  // waits for 0 and 1
  CHECK(encode.cards_encoded() == 0);
  stage->process(Item::make(make_card(320, 240, 0)), out);
  CHECK(encode.cards_encoded() == 1);  // 0 goes out at once, 2 still waits for 1
  CHECK(encode.frames_held() == 1);
  stage->process(Item::make(make_card(320, 240, 3)), out);
  stage->process(Item::make(make_card(320, 240, 1)), out);
  CHECK(encode.cards_encoded() == 4);  // 1 releases 2 and 3
  CHECK(encode.frames_held() == 0);
  stage->finish(out);
  CHECK(warnings.empty());

  check_video(output, 320, 240, 4 * kFps);
  check_cards(output, 320, 240, 1.0, {0, 1, 2, 3});
}

TEST_CASE("encode: a missing sequence number does not block the video", "[encode][order]") {
  TempDir dir;
  const fs::path output = dir.path() / "gap.mp4";
  std::vector<std::string> warnings;
  auto stage = make_stage(output, warnings);
  auto& encode = as_encode(*stage);
  NullEmitter out;

  stage->process(Item::make(make_card(320, 240, 3)), out);
  stage->process(Item::make(make_card(320, 240, 0)), out);
  stage->process(Item::make(make_card(320, 240, 1)), out);
  CHECK(encode.cards_encoded() == 2);
  CHECK(encode.frames_held() == 1);  // 3 waits for 2, which never comes
  stage->finish(out);

  CHECK(encode.cards_encoded() == 3);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("sequence 2"));
  check_video(output, 320, 240, 3 * kFps);
  check_cards(output, 320, 240, 1.0, {0, 1, 3});
}

TEST_CASE("encode: a frame missing longer than the reorder window is given up", "[encode][order]") {
  TempDir dir;
  const fs::path output = dir.path() / "window.mp4";
  std::vector<std::string> warnings;
  auto stage = make_stage(output, warnings, "veryfast", "2");
  auto& encode = as_encode(*stage);
  NullEmitter out;

  for (int sequence : {0, 2, 3}) stage->process(Item::make(make_card(320, 240, sequence)), out);
  CHECK(encode.frames_held() == 2);  // 2 and 3 wait for 1
  stage->process(Item::make(make_card(320, 240, 4)), out);
  // Three held frames exceed the window of 2: the stage goes on without 1, holding nothing.
  CHECK(encode.frames_held() == 0);
  CHECK(encode.cards_encoded() == 4);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("sequence 1"));
  stage->finish(out);
  check_cards(output, 320, 240, 1.0, {0, 2, 3, 4});
}

TEST_CASE("encode: abort leaves no file behind", "[encode][files]") {
  TempDir dir;
  const fs::path output = dir.path() / "out" / "aborted.mp4";
  NullEmitter out;
  std::vector<std::string> warnings;

  SECTION("abort()") {
    auto stage = make_stage(output, warnings);
    stage->process(Item::make(make_card(320, 240, 0)), out);
    stage->process(Item::make(make_card(320, 240, 2)), out);  // held
    CHECK(files_in(dir.path()).size() == 1);                   // the temporary file
    stage->abort();
    CHECK(files_in(dir.path()).empty());
    stage.reset();
    CHECK(files_in(dir.path()).empty());
  }
  SECTION("destroyed without finish (an exception unwound the graph)") {
    auto stage = make_stage(output, warnings);
    stage->process(Item::make(make_card(320, 240, 0)), out);
    stage.reset();
    CHECK(files_in(dir.path()).empty());
  }
  SECTION("writer destroyed without finish") {
    pipectl::encode::Mp4WriterOptions options;
    options.width = 320;
    options.height = 240;
    {
      pipectl::encode::Mp4Writer writer(output, options);
      writer.write_card(make_card(320, 240, 0));
    }
    CHECK(files_in(dir.path()).empty());
  }
  CHECK_FALSE(fs::exists(output));
}

TEST_CASE("encode: a failure to open or complete the file leaves nothing", "[encode][files]") {
  TempDir dir;
  NullEmitter out;
  std::vector<std::string> warnings;

  SECTION("the parent folder cannot be created") {
    const fs::path blocker = dir.path() / "not-a-folder";
    { std::ofstream(blocker) << "x"; }
    auto stage = make_stage(blocker / "day.mp4", warnings);
    CHECK_THROWS_AS(stage->process(Item::make(make_card(320, 240, 0)), out), std::runtime_error);
    CHECK(files_in(dir.path()) == std::vector<fs::path>{blocker});
  }
  SECTION("the final path cannot be replaced") {
    const fs::path output = dir.path() / "taken.mp4";
    fs::create_directories(output / "occupied");  // a non-empty folder: rename must fail
    auto stage = make_stage(output, warnings);
    stage->process(Item::make(make_card(320, 240, 0)), out);
    CHECK_THROWS_AS(stage->finish(out), std::runtime_error);
    CHECK_FALSE(as_encode(*stage).complete());
    CHECK(files_in(dir.path()).empty());  // the temporary file is gone too
  }
}

TEST_CASE("encode: no frames at all", "[encode][files]") {
  TempDir dir;
  const fs::path output = dir.path() / "empty" / "none.mp4";
  std::vector<std::string> warnings;
  auto stage = make_stage(output, warnings);
  NullEmitter out;
  CHECK_THROWS_WITH(stage->finish(out), "no frames to encode");
  CHECK(files_in(dir.path()).empty());
  CHECK_FALSE(fs::exists(output.parent_path()));
}

TEST_CASE("encode: bad frames are item errors", "[encode][errors]") {
  TempDir dir;
  const fs::path output = dir.path() / "sizes.mp4";
  std::vector<std::string> warnings;
  auto stage = make_stage(output, warnings);
  NullEmitter out;
  stage->process(Item::make(make_card(320, 240, 0)), out);

  SECTION("another size") {
    auto wrong = make_card(640, 480, 1);
    wrong.label = "1862214567890123456";
    CHECK_THROWS_AS(stage->process(Item::make(wrong), out), pipectl::ItemError);
    CHECK_THROWS_WITH(stage->process(Item::make(wrong), out),
                      Catch::Contains("1862214567890123456") && Catch::Contains("640x480"));
  }
  SECTION("planes too short") {
    auto broken = make_card(320, 240, 1);
    broken.u.pop_back();
    CHECK_THROWS_AS(stage->process(Item::make(broken), out), pipectl::ItemError);
  }
  SECTION("duration not positive") {
    CHECK_THROWS_AS(stage->process(Item::make(make_card(320, 240, 1, 0.0)), out),
                    pipectl::ItemError);
  }
  SECTION("sequence number used twice") {
    CHECK_THROWS_AS(stage->process(Item::make(make_card(320, 240, 0)), out), pipectl::ItemError);
  }
  // The stage goes on: the bad frame is skipped, the good ones make the video.
  stage->process(Item::make(make_card(320, 240, 1)), out);
  stage->finish(out);
  check_video(output, 320, 240, 2 * kFps);
}

TEST_CASE("encode: a path outside the output folder is refused", "[encode][files]") {
  TempDir dir;
  pipectl::Registry registry;
  registry.add(pipectl::encode_stage());
  pipectl::RunContext context;
  context.out_dir = (dir.path() / "out").string();
  auto params = [&](const std::string& path) {
    return pipectl::Params({{"path", path}, {"fps", "30"}, {"preset", "veryfast"}, {"crf", "23"},
                            {"threads", "0"}, {"reorder", "16"}, {"subtitles", "true"}, {"repeat", "skip"}});
  };
  const pipectl::StageInfo* info = registry.find("encode");
  CHECK_NOTHROW(info->create(params(context.out_dir + "/nasa/day.mp4"), context));
  CHECK_THROWS_WITH(info->create(params(context.out_dir + "/../escaped.mp4"), context),
                    Catch::Contains("outside the output folder"));
  CHECK_THROWS_WITH(info->create(params((dir.path() / "outside.mp4").string()), context),
                    Catch::Contains("outside the output folder"));
  CHECK_THROWS(info->create(params(context.out_dir), context));
  CHECK_FALSE(fs::exists(dir.path() / "escaped.mp4"));
}

TEST_CASE("encode: bad settings are refused up front", "[encode][errors]") {
  TempDir dir;
  std::vector<std::string> warnings;
  CHECK_THROWS_AS(make_stage(dir.path() / "x.mp4", warnings, "warpspeed"), std::invalid_argument);
  CHECK_THROWS_WITH(make_stage(dir.path() / "x.mp4", warnings, "warpspeed"),
                    Catch::Contains("warpspeed") && Catch::Contains("veryfast") &&
                        Catch::Contains("placebo"));
  CHECK_NOTHROW(make_stage(dir.path() / "x.mp4", warnings, "ultrafast"));

  pipectl::encode::Mp4WriterOptions options;
  options.width = 321;  // odd: I420 cannot hold it
  options.height = 240;
  CHECK_THROWS_AS(pipectl::encode::Mp4Writer(dir.path() / "x.mp4", options),
                  std::invalid_argument);
  options.width = 320;
  options.crf = 0;  // lossless: not in the High profile
  CHECK_THROWS_AS(pipectl::encode::Mp4Writer(dir.path() / "x.mp4", options),
                  std::invalid_argument);
  CHECK(files_in(dir.path()).empty());
}

TEST_CASE("encode: temporary files of writers that no longer run are removed, others stay", "[encode][files]") {
  TempDir folder("pipectl-encode-stale");
  fs::path video = folder.path() / "2026-11-24.mp4";
  // A pid that ran and is gone: a child that exits at once, reaped.
  pid_t gone = fork();
  if (gone == 0) _exit(0);
  REQUIRE(gone > 0);
  waitpid(gone, nullptr, 0);
  std::string dead = std::to_string(gone), alive = std::to_string(getpid());
  std::vector<std::string> names{"2026-11-24.mp4.part-" + dead + "-0.mp4",   // stale: removed
                                 "2026-11-24.mp4.part-" + alive + "-3.mp4",  // this process writes it
                                 "2026-11-24.mp4.part-" + dead + "-x.mp4",   // not our pattern
                                 "2026-11-25.mp4.part-" + dead + "-0.mp4",   // another video's
                                 "2026-11-24.mp4"};
  for (const auto& name : names) std::ofstream(folder.path() / name) << "x";
  auto removed = pipectl::remove_stale_temp_files(video);
  CHECK(removed == std::vector<fs::path>{folder.path() / names[0]});
  for (size_t i = 1; i < names.size(); ++i) CHECK(fs::exists(folder.path() / names[i]));
  CHECK(pipectl::remove_stale_temp_files(folder.path() / "no/such/folder/v.mp4").empty());
}

TEST_CASE("encode: the length of a video, as libavformat reads it", "[encode][writer]") {
  TempDir folder("pipectl-encode-length");
  CHECK_FALSE(pipectl::encode::video_length_seconds(folder.path() / "missing.mp4"));
  std::ofstream(folder.path() / "junk.mp4") << "not a video";
  CHECK_FALSE(pipectl::encode::video_length_seconds(folder.path() / "junk.mp4"));
}

TEST_CASE("encode: a writer's temporary name is told from the final file and from look-alikes", "[encode][files]") {
  using pipectl::temp_file_writer;
  CHECK(temp_file_writer("2026-11-24.mp4.part-123-4.mp4", "2026-11-24.mp4", ".mp4") == 123);
  CHECK(temp_file_writer("abc.part-7-0", "abc") == 7);
  for (const char* name : {"2026-11-24.mp4", "2026-11-24.mp4.part-.mp4", "2026-11-24.mp4.part-1-.mp4",
                           "2026-11-24.mp4.part--1.mp4", "2026-11-24.mp4.part-x-1.mp4", "2026-11-24.mp4.part-1-1",
                           "2026-11-24.mp4.part-12345678901-1.mp4", ".mp4", ""}) {
    INFO(name);
    CHECK_FALSE(temp_file_writer(name, "2026-11-24.mp4", ".mp4"));
  }
}

TEST_CASE("encode: WebVTT subtitles beside the video, a cue per card, read back by ffprobe", "[encode][subtitles]") {
  TempDir dir;
  const fs::path output = dir.path() / "captions.mp4";
  std::vector<std::string> warnings;
  auto stage = make_stage(output, warnings);
  NullEmitter out;
  std::vector<std::string> captions{"@nasa: 3 posts", "@nasa: Liftoff! <T+0> & climbing\n\n\nsecond line", ""};
  for (int sequence = 0; sequence < 3; ++sequence) {
    Frame frame = make_card(320, 240, sequence, sequence == 1 ? 2.0 : 1.0);
    frame.caption = captions[static_cast<size_t>(sequence)];
    stage->process(Item::make(std::move(frame)), out);
  }
  stage->finish(out);
  CHECK(warnings.empty());
  const fs::path subtitles = dir.path() / "captions.vtt";
  std::ifstream in(subtitles);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  // The third card has no caption: no cue. Blank lines inside a text are closed up.
  CHECK(text ==
        "WEBVTT\n\n"
        "1\n00:00:00.000 --> 00:00:01.000\n@nasa: 3 posts\n\n"
        "2\n00:00:01.000 --> 00:00:03.000\n@nasa: Liftoff! &lt;T+0&gt; &amp; climbing\nsecond line\n");
  // FFmpeg's WebVTT reader agrees: two cues, at 0 s for 1 s and at 1 s for 2 s.
  auto probe = pipectl::test::run_command("ffprobe -v error -show_entries packet=pts_time,duration_time -of csv=p=0 " +
                                          pipectl::test::shell_quote(subtitles.string()));
  INFO(probe.output);
  CHECK(probe.exit_code == 0);
  std::istringstream lines(probe.output);
  std::vector<std::string> packets;
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0]))) packets.push_back(line.substr(0, 17));
  CHECK(packets == std::vector<std::string>{"0.000000,1.000000", "1.000000,2.000000"});
  CHECK(pipectl::encode::vtt_timestamp(3725.5) == "01:02:05.500");
}

TEST_CASE("encode: subtitles=false writes the video only", "[encode][subtitles]") {
  TempDir dir;
  pipectl::Registry registry;
  registry.add(pipectl::encode_stage());
  const pipectl::StageInfo* info = registry.find("encode");
  REQUIRE(info != nullptr);
  pipectl::Params params({{"path", (dir.path() / "quiet.mp4").string()}, {"fps", "30"}, {"preset", "ultrafast"},
                          {"crf", "23"}, {"threads", "0"}, {"reorder", "16"}, {"subtitles", "false"},
                          {"repeat", "skip"}});
  pipectl::RunContext context;
  context.out_dir = dir.path().string();
  auto stage = info->create(params, context);
  NullEmitter out;
  Frame frame = make_card(320, 240, 0);
  frame.caption = "@nasa: 1 post";
  stage->process(Item::make(std::move(frame)), out);
  stage->finish(out);
  CHECK(files_in(dir.path()) == std::vector<fs::path>{dir.path() / "quiet.mp4"});
}

// ---------------------------------------------------------------------------------------
// How a card stays on screen: skip pictures (the default), x264 repeats, still pictures

namespace {

// One slice NAL unit as ffmpeg's trace_headers bitstream filter reads it.
struct TracedSlice {
  int nal_ref_idc = -1;
  int nal_unit_type = -1;
  int pps_id = -1;
  int frame_num = -1;
};

// What ffmpeg's trace_headers bitstream filter prints for the stream's first `pictures`
// pictures (0: all of them).
std::string trace_headers(const fs::path& file, int pictures = 0) {
  const auto result = pipectl::test::run_command(
      "ffmpeg -hide_banner -nostats -i " + pipectl::test::shell_quote(file.string()) + " -c copy -bsf:v trace_headers" +
      (pictures > 0 ? " -frames:v " + std::to_string(pictures) : std::string()) + " -f null - 2>&1");
  REQUIRE(result.exit_code == 0);
  return result.output;
}

// The syntax of every slice, read by ffmpeg itself (a decoder is lenient: wrong frame_num or
// non-reference repeats still decode, so the fields are checked, not only the pictures).
std::vector<TracedSlice> trace_slices(const fs::path& file) {
  std::vector<TracedSlice> slices;
  TracedSlice current;
  std::istringstream lines(trace_headers(file));
  auto value = [](const std::string& line) { return std::stoi(line.substr(line.rfind('=') + 1)); };
  for (std::string line; std::getline(lines, line);) {
    if (line.find(" nal_ref_idc ") != std::string::npos) current = TracedSlice{value(line)};
    else if (line.find(" nal_unit_type ") != std::string::npos) current.nal_unit_type = value(line);
    else if (line.find(" pic_parameter_set_id ") != std::string::npos) current.pps_id = value(line);
    else if (line.find(" frame_num ") != std::string::npos) {
      current.frame_num = value(line);
      if (current.nal_unit_type == 1 || current.nal_unit_type == 5) slices.push_back(current);
    }
  }
  return slices;
}

// The fields of the stream's (first) SPS, by name, as trace_headers reads them.
std::map<std::string, int> traced_sps(const fs::path& file) {
  std::map<std::string, int> fields;
  std::istringstream lines(trace_headers(file, 1));
  bool in_sps = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("Sequence Parameter Set") != std::string::npos) in_sps = true;
    else if (in_sps && line.find("Parameter Set") != std::string::npos) break;  // the PPS
    std::istringstream words(line.substr(line.find(']') + 1));
    std::string position, name;
    if (in_sps && words >> position >> name && line.rfind('=') != std::string::npos)
      fields.emplace(name, std::stoi(line.substr(line.rfind('=') + 1)));
  }
  return fields;
}

// MD5 of every decoded picture, in order (ffmpeg's framemd5 muxer).
std::vector<std::string> picture_md5s(const fs::path& file) {
  const auto result = pipectl::test::run_command(
      "ffmpeg -v error -i " + pipectl::test::shell_quote(file.string()) + " -f framemd5 - 2>&1");
  REQUIRE(result.exit_code == 0);
  std::vector<std::string> sums;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] != '#') sums.push_back(line.substr(line.rfind(',') + 1));
  return sums;
}

fs::path encode_cards(const fs::path& folder, const std::string& repeat, const std::vector<double>& seconds,
                      int width = 320, int height = 240) {
  const fs::path output = folder / (repeat + ".mp4");
  std::vector<std::string> warnings;
  auto stage = make_stage(output, warnings, "veryfast", "16", repeat);
  NullEmitter out;
  for (std::size_t k = 0; k < seconds.size(); ++k)
    stage->process(Item::make(make_card(width, height, static_cast<std::int64_t>(k), seconds[k])), out);
  stage->finish(out);
  CHECK(warnings.empty());
  return output;
}

}  // namespace

TEST_CASE("encode: repeats are all-skip P pictures that are valid H.264, not only decodable", "[encode][skip]") {
  TempDir dir;
  // 40 pictures is longer than MaxFrameNum (16 for x264's SPS here): frame_num must wrap.
  const std::vector<double> seconds{1.0, 40.0 / kFps, 0.5};
  const fs::path video = encode_cards(dir.path(), "skip", seconds);
  check_video(video, 320, 240, 30 + 40 + 15);

  const auto slices = trace_slices(video);
  REQUIRE(slices.size() == 85u);
  int idr = 0;
  int since_idr = 0;
  for (std::size_t i = 0; i < slices.size(); ++i) {
    INFO("picture " << i);
    const TracedSlice& slice = slices[i];
    CHECK(slice.nal_ref_idc > 0);  // every picture is a reference picture (POC type 2)
    if (slice.nal_unit_type == 5) {  // each card starts with x264's IDR picture, under PPS 0
      ++idr;
      since_idr = 0;
      CHECK(slice.pps_id == 0);
      CHECK(slice.frame_num == 0);
    } else {  // its repeats: skip pictures under our PPS 1, frame_num counting up, wrapping
      ++since_idr;
      CHECK(slice.nal_unit_type == 1);
      CHECK(slice.pps_id == 1);
      CHECK(slice.frame_num == since_idr % 16);
    }
  }
  CHECK(idr == 3);
  // x264 is told every picture is an IDR, and writes an intra-only SPS; the stream's SPS must
  // allow the one reference picture the repeats use, and not claim to be intra only.
  const auto sps = traced_sps(video);
  REQUIRE(sps.contains("max_num_ref_frames"));
  CHECK(sps.at("max_num_ref_frames") == 1);
  CHECK(sps.at("constraint_set3_flag") == 0);
  CHECK(sps.at("pic_order_cnt_type") == 2);
  if (sps.contains("max_dec_frame_buffering")) CHECK(sps.at("max_dec_frame_buffering") >= 1);
  CHECK(slices[0].nal_unit_type == 5);
  CHECK(slices[30].nal_unit_type == 5);
  CHECK(slices[70].nal_unit_type == 5);

  // Every picture of a card is the card's first picture, bit for bit, and close to the card.
  const auto sums = picture_md5s(video);
  REQUIRE(sums.size() == 85u);
  for (std::size_t i = 1; i < 30; ++i) CHECK(sums[i] == sums[0]);
  for (std::size_t i = 31; i < 70; ++i) CHECK(sums[i] == sums[30]);
  for (std::size_t i = 71; i < 85; ++i) CHECK(sums[i] == sums[70]);
  CHECK(sums[0] != sums[30]);
  for (double at : {0.0, 0.5, 0.95}) {  // the first, a middle and the last picture of card 0
    const auto decoded = pipectl::test::decode_luma_at(video, at, 320, 240);
    CHECK(pipectl::test::psnr(card_luma(320, 240, 0), decoded) >= 40.0);
  }
}

TEST_CASE("encode: skip pictures cost a fraction of x264 repeats and look the same", "[encode][skip]") {
  TempDir dir;
  const std::vector<double> seconds{3.0, 3.0};
  const fs::path skip = encode_cards(dir.path(), "skip", seconds, 640, 360);
  const fs::path x264 = encode_cards(dir.path(), "x264", seconds, 640, 360);
  check_video(skip, 640, 360, 180);
  check_video(x264, 640, 360, 180);
  for (double at : {1.5, 4.5}) {
    const auto card = card_luma(640, 360, at < 3 ? 0 : 1);
    CHECK(pipectl::test::psnr(card, pipectl::test::decode_luma_at(skip, at, 640, 360)) >= 40.0);
    CHECK(pipectl::test::psnr(card, pipectl::test::decode_luma_at(x264, at, 640, 360)) >= 40.0);
  }
  // A skip picture of 640x360 (920 macroblocks) is a dozen bytes: the file is the two IDRs.
  CHECK(fs::file_size(skip) < fs::file_size(x264) * 2);
  const auto sizes = pipectl::test::run_command(
      "ffprobe -v error -select_streams v -show_entries packet=size,flags -of csv=p=0 " +
      pipectl::test::shell_quote(skip.string()));
  REQUIRE(sizes.exit_code == 0);
  int repeats = 0;
  std::istringstream packets(sizes.output);
  for (std::string line; std::getline(packets, line);) {
    if (line.find('K') != std::string::npos) continue;  // the cards' own (key) pictures
    ++repeats;
    CHECK(std::stoi(line.substr(0, line.find(','))) <= 16);  // 4-byte length + the slice
  }
  CHECK(repeats == 178);
}

TEST_CASE("encode: threads=0 gives x264 the run's share less one, all of it with repeat=x264", "[encode][threads]") {
  // x264 writes its settings into the stream ("... threads=N lookahead_threads=...").
  auto x264_threads_with = [](const std::string& repeat, int run_threads) {
    TempDir dir;
    const fs::path output = dir.path() / (repeat + ".mp4");
    std::vector<std::string> warnings;
    auto stage = make_stage(output, warnings, "veryfast", "16", repeat, run_threads);
    NullEmitter out;
    stage->process(Item::make(make_card(320, 240, 0, 0.1)), out);
    stage->finish(out);
    std::ifstream in(output, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    const auto at = bytes.find(" threads=");
    REQUIRE(at != std::string::npos);
    return std::stoi(bytes.substr(at + 9));
  };
  CHECK(x264_threads_with("skip", 3) == 2);
  CHECK(x264_threads_with("still", 2) == 1);
  CHECK(x264_threads_with("skip", 1) == 1);
  CHECK(x264_threads_with("x264", 2) == 2);
}

TEST_CASE("encode: still mode writes one picture per card, lasting the card", "[encode][still]") {
  TempDir dir;
  const fs::path video = encode_cards(dir.path(), "still", {1.0, 2.0, 0.5});
  const auto result = pipectl::test::run_command(
      "ffprobe -v error -select_streams v -show_entries packet=pts_time,duration_time -of csv=p=0 " +
      pipectl::test::shell_quote(video.string()));
  REQUIRE(result.exit_code == 0);
  std::vector<std::pair<double, double>> packets;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    const auto comma = line.find(',');
    if (comma != std::string::npos) packets.emplace_back(std::stod(line.substr(0, comma)), std::stod(line.substr(comma + 1)));
  }
  REQUIRE(packets.size() == 3u);
  CHECK(packets[0].first == Approx(0.0).margin(1e-6));
  CHECK(packets[1].first == Approx(1.0));
  CHECK(packets[2].first == Approx(3.0));
  CHECK(packets[2].second == Approx(0.5));
  CHECK(pipectl::test::probe_video(video).duration == Approx(3.5).margin(1.0 / kFps));
  CHECK(pipectl::test::decode_errors(video).empty());
  // ffmpeg's -ss drops pictures that start before the time: ask for the card's own start.
  const auto decoded = pipectl::test::decode_luma_at(video, 1.0, 320, 240);
  CHECK(pipectl::test::psnr(card_luma(320, 240, 1), decoded) >= 40.0);
}

TEST_CASE("encode: cue text is safe whatever a post holds", "[encode][subtitles]") {
  using pipectl::encode::cue_text;
  // "-->" would make the line a new cue's timings: '>' is escaped, as are '<' (tags) and '&'.
  CHECK(cue_text("a --> b") == "a --&gt; b");
  CHECK(cue_text("<b>bold</b> & &amp;") == "&lt;b&gt;bold&lt;/b&gt; &amp; &amp;amp;");
  // Blank lines end a cue: closed up, and so are lines of only spaces and tabs; every line end
  // (CR, LF, CR LF, NEL, U+2028, U+2029) is one LF.
  CHECK(cue_text("one\n\n\ntwo\r\n \t \r\nthree\rfour\u2028five\u2029\u2029six\xC2\x85seven") ==
        "one\ntwo\nthree\nfour\nfive\nsix\nseven");
  CHECK(cue_text("\n\n  lead and trail  \n\n") == "  lead and trail");
  CHECK(cue_text(" \t\r\n\n").empty());
  // Controls go (NUL would end the text for a C reader), tabs are spaces.
  CHECK(cue_text(std::string("nul\0 esc\x1B bell\x07 del\x7F csi\xC2\x9B\ttab", 30)) == "nul esc bell del csi tab");
  // Malformed UTF-8 (a stray byte, an overlong '/', a surrogate, a cut sequence) is U+FFFD.
  CHECK(cue_text("\xFF \xC0\xAF \xED\xA0\x80 \xE2\x82") ==
        "\uFFFD \uFFFD\uFFFD \uFFFD\uFFFD\uFFFD \uFFFD\uFFFD");
  // Everything else stays: emoji, right-to-left text, the post's own bidi controls.
  CHECK(cue_text("\U0001F680 \u0634\u0643\u0631\u0627 \u202Eover") == "\U0001F680 \u0634\u0643\u0631\u0627 \u202Eover");

  // Times a caller should not give still make a valid cue.
  CHECK(pipectl::encode::vtt_timestamp(-1) == "00:00:00.000");
  CHECK(pipectl::encode::vtt_timestamp(std::nan("")) == "00:00:00.000");
  CHECK(pipectl::encode::vtt_timestamp(1e300) == "100000:00:00.000");
  pipectl::encode::WebVttCues cues;
  cues.add(5, 2, "backwards");
  cues.add(std::nan(""), INFINITY, "nowhere");
  cues.add(0, 1, "\n \n");  // nothing left: no cue
  CHECK(cues.file_text() ==
        "WEBVTT\n\n1\n00:00:05.000 --> 00:00:05.000\nbackwards\n\n2\n00:00:00.000 --> 00:00:00.000\nnowhere\n");
}

TEST_CASE("encode: FFmpeg reads hostile captions back as one cue each, text intact", "[encode][subtitles]") {
  const std::vector<std::string> texts{
      "a --> b",
      "WEBVTT\n\nNOTE 00:00.000 --> 00:01.000\n\n2\n00:00:01.000 --> 00:00:02.000",
      "one\n\n\ntwo\r\n \t \r\nthree\rfour",
      std::string("nul\0 esc\x1B <i>&amp;</i>", 22),
      "\xFF\xC0\xAF broken \xED\xA0\x80",
      "\u202E@dlrow reversed",
  };
  pipectl::encode::WebVttCues cues;
  for (std::size_t i = 0; i < texts.size(); ++i) cues.add(static_cast<double>(i), i + 1.0, texts[i]);
  TempDir dir;
  const fs::path file = dir.path() / "hostile.vtt";
  pipectl::encode::write_file_whole(file, cues.file_text());
  // FFmpeg's WebVTT demuxer and decoder: one event per cue, at the cue's time, with the
  // unescaped text (its SubRip output shows the text as a player would get it).
  const auto result = pipectl::test::run_command("ffmpeg -v error -nostdin -i " + pipectl::test::shell_quote(file.string()) +
                                                 " -f srt -");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  std::vector<std::string> blocks;
  std::string block;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!block.empty()) blocks.push_back(block);
      block.clear();
    } else {
      block += line + "\n";
    }
  }
  if (!block.empty()) blocks.push_back(block);
  REQUIRE(blocks.size() == texts.size());
  // SubRip shows the text unescaped: what was written is what a player gets, each cue whole.
  CHECK(blocks[0] == "1\n00:00:00,000 --> 00:00:01,000\na --> b\n");
  CHECK(blocks[1] == "2\n00:00:01,000 --> 00:00:02,000\nWEBVTT\nNOTE 00:00.000 --> 00:01.000\n2\n"
                     "00:00:01.000 --> 00:00:02.000\n");
  CHECK(blocks[2] == "3\n00:00:02,000 --> 00:00:03,000\none\ntwo\nthree\nfour\n");
  CHECK(blocks[3] == "4\n00:00:03,000 --> 00:00:04,000\nnul esc <i>&amp;</i>\n");
  CHECK(blocks[4] == "5\n00:00:04,000 --> 00:00:05,000\n\uFFFD\uFFFD\uFFFD broken \uFFFD\uFFFD\uFFFD\n");
  CHECK(blocks[5].find("\u202E@dlrow reversed") != std::string::npos);
}

TEST_CASE("encode: a video past the file size limit fails naming the file and the limit; nothing is left",
          "[encode][files][faults]") {
  TempDir dir;
  NullEmitter out;
  std::vector<std::string> warnings;
  const fs::path output = dir.path() / "day.mp4";
  auto stage = make_stage(output, warnings);
  std::string error;
  {
    // A few kilobytes: the header and the first cards fit, then a write gets EFBIG.
    pipectl::test::FileSizeLimit limit(6000);
    try {
      for (int card = 0; card < 40; ++card) stage->process(Item::make(make_card(320, 240, card)), out);
      stage->finish(out);
    } catch (const std::exception& failure) {
      error = failure.what();
    }
  }
  INFO(error);
  CHECK_THAT(error, Catch::Contains("file size limit exceeded (RLIMIT_FSIZE") &&
                        Catch::Contains(output.string() + ".part-") && Catch::Contains("(output " + output.string() + ")"));
  stage.reset();
  CHECK(files_in(dir.path()).empty());  // no temporary file, no video under the final name
}

TEST_CASE("encode: write errors say that the disk is full or a size limit was hit", "[encode][files][faults]") {
  using pipectl::write_error_text;
  CHECK(write_error_text(ENOSPC) == "no space left on device (the disk is full)");
  CHECK_THAT(write_error_text(EFBIG), Catch::StartsWith("file size limit exceeded (RLIMIT_FSIZE"));
  CHECK(write_error_text(EDQUOT) == "disk quota exceeded");
  CHECK(write_error_text(EROFS) == "read-only file system");
  CHECK(write_error_text(EACCES) == "permission denied");  // the rest: strerror, lower case
  CHECK(pipectl::is_out_of_room(ENOSPC));
  CHECK(pipectl::is_out_of_room(EFBIG));
  CHECK_FALSE(pipectl::is_out_of_room(EACCES));
}
