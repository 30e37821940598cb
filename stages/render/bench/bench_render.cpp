// bench-render: how fast cards are drawn, against how long x264 takes to encode one, so a
// report can say where a card's time goes. Not a test: the figures depend on the machine.
//
// Measures, on the sample cards (stages/render/samples/card_samples; by default the script samples,
// one text card per script) at 1920x1080:
//   - render + convert with one thread: CardRenderer::render_post/render_title, then
//     to_frame (RGBA -> I420), as the render stage does for each card;
//   - the same on every core at once, one CardRenderer per thread;
//   - the encoding of one card as the encode stage does it by default: 90 pictures (3 s at 30
//     fps: x264 encodes the first, the 89 repeats are skip pictures),
//     preset veryfast, crf 23, through encode::Mp4Writer, with one x264 thread and with x264's
//     automatic thread count;
//   - the first card of a new renderer (fonts opened, caches cold).
// Usage: bench-render [--size WxH] [--seconds S] [--threads N] [--samples script|all|hostile] [--per-sample]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "card_renderer.hpp"
#include "card_samples.hpp"
#include "card_memory.hpp"
#include "frame_convert.hpp"
#include "mp4_writer.hpp"

extern "C" {
#include <libavutil/log.h>
}

using namespace pipectl;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  int width = 1920;
  int height = 1080;
  double seconds = 5;  // per render measurement, roughly
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool all_samples = false;
  bool hostile = false;     // the hostile texts (render::hostile_samples), each timed
  bool per_sample = false;  // also a line per sample: its mean render + convert time
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void usage(const std::string& problem, int exit_code = 2) {
  std::cerr << "bench-render: " << problem
            << "\nUsage: bench-render [--size WxH] [--seconds S] [--threads N] [--samples script|all|hostile] [--per-sample]\n";
  std::exit(exit_code);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") usage("render and encode timings of the sample cards (see stages/render/bench/bench_render.cpp)", 0);
    if (arg == "--per-sample") {
      o.per_sample = true;
      continue;
    }
    if (i + 1 >= argc) usage("missing value after " + arg);
    const std::string value = argv[++i];
    if (arg == "--size") {
      if (std::sscanf(value.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 64 || o.height < 64 ||
          o.width % 2 || o.height % 2)
        usage("--size wants an even WIDTHxHEIGHT, e.g. 1920x1080");
    } else if (arg == "--seconds") {
      o.seconds = std::atof(value.c_str());
      if (o.seconds <= 0) usage("--seconds wants a positive number");
    } else if (arg == "--threads") {
      o.threads = std::atoi(value.c_str());
      if (o.threads < 1) usage("--threads wants a positive number");
    } else if (arg == "--samples") {
      if (value != "script" && value != "all" && value != "hostile") usage("--samples is script, all or hostile");
      o.all_samples = value == "all";
      o.hostile = value == "hostile";
      if (o.hostile) o.per_sample = true;
    } else {
      usage("unknown option " + arg);
    }
  }
  return o;
}

// One thread's tools, as the render stage's pool has them.
struct Worker {
  explicit Worker(const Options& o) : renderer(o.width, o.height, std::string(render::kSampleTimeZone)) {}
  render::CardRenderer renderer;
};

struct RenderTimes {
  int cards = 0;
  double wall = 0;
  double render = 0;   // summed over cards (one thread only)
  double convert = 0;  // ditto
  std::vector<double> by_sample;  // render + convert, summed over passes, per sample
};

// `passes` times over `samples` with one worker; times the two steps apart.
RenderTimes render_passes(Worker& worker, const std::vector<render::CardSample>& samples, int passes) {
  RenderTimes t;
  t.by_sample.assign(samples.size(), 0.0);
  const auto start = Clock::now();
  for (int pass = 0; pass < passes; ++pass)
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const auto a = Clock::now();
      render::Canvas canvas = render::render_sample(worker.renderer, samples[i]);
      const auto b = Clock::now();
      const items::Frame frame = render::to_frame(canvas);
      t.render += std::chrono::duration<double>(b - a).count();
      t.convert += seconds_since(b);
      worker.renderer.recycle(std::move(canvas));  // as the render stage does
      t.by_sample[i] += seconds_since(a);
      ++t.cards;
    }
  t.wall = seconds_since(start);
  return t;
}

// Every thread with its own worker, made and warmed before the clock starts, then `passes`
// passes each at once.
RenderTimes render_parallel(const Options& o, const std::vector<render::CardSample>& samples, int passes) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i)
    threads.emplace_back([&] {
      Worker worker(o);
      render_passes(worker, samples, 1);
      ++ready;
      while (!go.load()) std::this_thread::yield();
      render_passes(worker, samples, passes);
    });
  while (ready.load() < o.threads) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto start = Clock::now();
  go = true;
  for (auto& t : threads) t.join();
  RenderTimes t;
  t.wall = seconds_since(start);
  t.cards = o.threads * passes * static_cast<int>(samples.size());
  return t;
}

// Encodes every frame as one card of 3 s into one MP4, as the encode stage does; returns the
// seconds from opening the writer to the finished file.
double encode_cards(const Options& o, const std::vector<items::Frame>& frames, int x264_threads) {
  const auto folder = std::filesystem::temp_directory_path() /
                      ("pipectl-bench-render-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  encode::Mp4WriterOptions options;
  options.width = o.width;
  options.height = o.height;
  options.fps = 30;
  options.preset = "veryfast";
  options.crf = 23;
  options.threads = x264_threads;
  const auto start = Clock::now();
  {
    encode::Mp4Writer writer(folder / "bench.mp4", options);
    for (const auto& frame : frames) writer.write_card(frame);
    writer.finish();
  }
  const double seconds = seconds_since(start);
  std::filesystem::remove_all(folder);
  return seconds;
}

void row(const std::string& what, double cards_per_second, const std::string& note = "") {
  std::printf("  %-38s %8.2f %10.1f   %s\n", what.c_str(), cards_per_second, 1000.0 / cards_per_second,
              note.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  tune_allocator_for_cards();  // as pipectl: its frames are fresh pages every card
  av_log_set_level(AV_LOG_QUIET);  // as pipectl: the MP4 muxer's notes are not ours to print
  const std::vector<render::CardSample> samples =
      o.hostile ? render::hostile_samples()
                : o.all_samples ? render::card_samples() : render::card_samples(render::SampleGroup::script);

  // The first card of a fresh renderer: fontconfig lookups, font files opened, caches cold.
  const auto cold_start = Clock::now();
  Worker worker(o);
  render_passes(worker, {samples.front()}, 1);
  const double cold = seconds_since(cold_start);
  // Warm every font and glyph the set needs, then size the measurement to --seconds.
  const RenderTimes warm = render_passes(worker, samples, 1);
  const int passes = std::max(1, static_cast<int>(o.seconds / warm.wall + 0.5));
  const RenderTimes one = render_passes(worker, samples, passes);
  const RenderTimes many = render_parallel(o, samples, passes);

  std::vector<items::Frame> frames;
  for (const auto& sample : samples) {
    items::Frame frame = render::to_frame(render::render_sample(worker.renderer, sample));
    frame.duration_seconds = 3.0;
    frame.sequence = static_cast<std::int64_t>(frames.size());
    frames.push_back(std::move(frame));
  }
  const double encode_one = encode_cards(o, frames, 1);
  const double encode_auto = encode_cards(o, frames, 0);
  const int n = static_cast<int>(frames.size());

  std::printf("bench-render: %dx%d, %zu %s sample cards, %d passes, %u cores\n", o.width, o.height, samples.size(),
              o.hostile ? "hostile" : o.all_samples ? "(all)" : "script", passes, std::thread::hardware_concurrency());
  std::printf("  %-38s %8s %10s\n", "", "cards/s", "ms/card");
  row("render + RGBA->I420, 1 thread", one.cards / one.wall);
  row("  render only (CardRenderer)", one.cards / one.render);
  row("  RGBA->I420 only (to_frame)", one.cards / one.convert);
  row("render + RGBA->I420, " + std::to_string(o.threads) + " threads", many.cards / many.wall,
      "(one renderer per thread; ms/card = wall / cards)");
  row("x264 encode, 1 thread", n / encode_one, "(90 pictures a card: x264 once, 89 skip pictures; veryfast, crf 23, MP4)");
  row("x264 encode, automatic threads", n / encode_auto);
  std::printf("  %-38s %19.0f ms\n", "first card of a new renderer", cold * 1000);
  const double render_ms = 1000.0 * one.wall / one.cards, encode_ms = 1000.0 * encode_one / n;
  std::printf("one thread each: a card takes %.1f ms to draw and %.1f ms to encode (drawing is %.1f%% of the two)\n",
              render_ms, encode_ms, 100.0 * render_ms / (render_ms + encode_ms));
  if (o.per_sample) {
    std::printf("per sample, 1 thread (render + RGBA->I420, mean of %d):\n", passes);
    for (std::size_t i = 0; i < samples.size(); ++i)
      std::printf("  %-38s %8.1f ms\n", samples[i].name.c_str(), 1000.0 * one.by_sample[i] / passes);
  }
  return 0;
}
