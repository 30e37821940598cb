// Cards as pictures: every sample card (stages/render/samples/card_samples) is drawn and compared with
// its reference image in tests/golden/, so a change to what a card looks like shows up as a
// failing case with the picture of the difference (all but the smallest: see Tolerance). Also: the PNG files themselves, and the
// real `pipectl contact-sheet` command, checked with ffprobe.
//
// Regenerating (after an intended change): tools/update-goldens, which runs this binary with
// PIPECTL_UPDATE_GOLDENS=1 (the goldens are rewritten where they changed, stale ones removed).
//
// Tolerance: a pixel differs when one of its channels differs by more than kChannelTolerance,
// and a case fails when more than kPixelFraction of its pixels differ. On the same Debian 12
// packages the images are identical (the goldens are made by this binary); the margin absorbs
// rounding noise only (a blend rounded the other way, one glyph a quarter pixel off under
// another compiler), a few dozen pixels. Most real changes move far more: one highlighted
// word is over a thousand pixels, a line of text moved by one pixel several thousand. The
// smallest do not: one digit of a count (79 pixels) or one punctuation mark (176) passes.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "card_renderer.hpp"
#include "card_samples.hpp"
#include "png_file.hpp"
#include "support/fixture_graph.hpp"
#include "support/paths.hpp"
#include "theme.hpp"

using namespace pipectl;
using render::Canvas;
using render::CardSample;

namespace {

constexpr int kChannelTolerance = 3;       // of 255
constexpr double kPixelFraction = 0.0005;  // 0.05%: 259 pixels of a 960x540 card

// One reference image: a sample drawn at a size in a theme.
struct GoldenCase {
  std::string file;  // in tests/golden/
  const CardSample* sample = nullptr;
  int width = 960;
  int height = 540;
  std::string theme = "light";
};

// Every sample at 960x540 in the light theme (the card scales with its short side, so a small
// card is the same drawing as a 1080p one, and the repository stays small); a few samples
// also in the portrait and square formats and in the dark theme.
std::vector<GoldenCase> golden_cases(const std::vector<CardSample>& samples) {
  std::vector<GoldenCase> cases;
  auto find = [&samples](const char* name) { return &render::sample_named(samples, name); };
  for (const auto& s : samples) cases.push_back({s.name + ".png", &s});
  for (const char* name : {"layout-photos-3", "layout-quote", "script-arabic", "bluesky-link-card", "mastodon-poll"}) {
    cases.push_back({std::string(name) + ".540x960.png", find(name), 540, 960});
    cases.push_back({std::string(name) + ".540x540.png", find(name), 540, 540});
  }
  for (const char* name : {"layout-entities", "layout-video", "layout-photos-2", "title", "mastodon-content-warning",
                           "mastodon-emoji", "mastodon-poll-open"})
    cases.push_back({std::string(name) + ".dark.png", find(name), 960, 540, "dark"});
  return cases;
}

// One renderer per size and theme for the whole run: opening the fonts is the slow part.
render::CardRenderer& renderer(int width, int height, const std::string& theme) {
  static std::map<std::tuple<int, int, std::string>, std::unique_ptr<render::CardRenderer>> renderers;
  auto& slot = renderers[{width, height, theme}];
  if (!slot)
    slot = std::make_unique<render::CardRenderer>(width, height, std::string(render::kSampleTimeZone),
                                                  render::theme_named(theme));
  return *slot;
}

const std::vector<CardSample>& samples() {
  static const std::vector<CardSample> all = render::card_samples();
  return all;
}

std::filesystem::path golden_dir() { return test::source_dir() / "tests" / "golden"; }
std::filesystem::path output_dir() { return test::build_dir() / "card-images"; }
bool updating() {
  const char* v = std::getenv("PIPECTL_UPDATE_GOLDENS");
  return v && *v && std::string(v) != "0";
}

struct Difference {
  int pixels = 0;     // pixels with a channel off by more than the tolerance
  int changed = 0;    // pixels not exactly equal
  int largest = 0;    // largest channel difference
  items::Image picture;  // the golden faded to grey; yellow: within tolerance, red: beyond
};

Difference compare(const items::Image& golden, const Canvas& actual) {
  Difference d;
  d.picture = {golden.width, golden.height, std::vector<std::uint8_t>(golden.rgba.size())};
  const auto& a = actual.rgba();
  for (std::size_t i = 0; i < golden.rgba.size(); i += 4) {
    int most = 0;
    for (int c = 0; c < 4; ++c) most = std::max(most, std::abs(golden.rgba[i + c] - a[i + c]));
    d.largest = std::max(d.largest, most);
    const int grey = (golden.rgba[i] + golden.rgba[i + 1] + golden.rgba[i + 2]) / 3;
    std::uint8_t* out = &d.picture.rgba[i];
    out[0] = out[1] = out[2] = static_cast<std::uint8_t>(110 + grey * 145 / 255);
    out[3] = 255;
    if (most > 0) ++d.changed;
    if (most > kChannelTolerance) {
      ++d.pixels;
      out[0] = 255, out[1] = 0, out[2] = 0;
    } else if (most > 0) {
      out[0] = 255, out[1] = 200, out[2] = 0;
    }
  }
  return d;
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes the golden when it is missing or any pixel changed; returns whether it wrote.
bool update_golden(const std::filesystem::path& path, const Canvas& actual) {
  if (std::filesystem::exists(path)) {
    const items::Image old = render::read_png(path);
    if (old.width == actual.width() && old.height == actual.height() && old.rgba == actual.rgba()) return false;
  }
  render::write_png(path, actual);
  return true;
}

// Compares one case; "" when it matches, else what is wrong and where the pictures are.
std::string check_case(const GoldenCase& c, const Canvas& actual) {
  const std::filesystem::path golden_path = golden_dir() / c.file;
  const std::string regenerate = "if the change is intended, run tools/update-goldens and review the new images";
  if (!std::filesystem::exists(golden_path))
    return golden_path.string() + " is missing: run tools/update-goldens to make it (then look at it)";
  const items::Image golden = render::read_png(golden_path);
  std::filesystem::create_directories(output_dir());
  const std::string stem = std::filesystem::path(c.file).stem().string();
  const std::filesystem::path actual_path = output_dir() / (stem + ".actual.png");
  if (golden.width != actual.width() || golden.height != actual.height()) {
    render::write_png(actual_path, actual);
    std::ostringstream s;
    s << c.file << ": the card is " << actual.width() << "x" << actual.height() << ", the golden "
      << golden.width << "x" << golden.height << "; the card is in " << actual_path.string() << "; " << regenerate;
    return s.str();
  }
  const Difference d = compare(golden, actual);
  const double allowed = kPixelFraction * golden.width * golden.height;
  const std::filesystem::path diff_path = output_dir() / (stem + ".diff.png");
  if (d.pixels <= allowed) {
    // The pictures of an earlier failure would only mislead now.
    std::error_code ignored;
    std::filesystem::remove(actual_path, ignored);
    std::filesystem::remove(diff_path, ignored);
    if (d.changed > 0)
      WARN(c.file << ": " << d.changed << " pixels differ from the golden (largest difference " << d.largest
                  << "), within the tolerance");
    return "";
  }
  render::write_png(actual_path, actual);
  render::write_png(diff_path, d.picture);
  std::ostringstream s;
  s << c.file << ": " << d.pixels << " pixels (" << 100.0 * d.pixels / (golden.width * golden.height)
    << "%) differ by more than " << kChannelTolerance << " in a channel (largest difference " << d.largest
    << "; allowed: " << static_cast<int>(allowed) << " pixels). The card as drawn now: "
    << actual_path.string() << "; the difference (red) over the golden: " << diff_path.string() << "; "
    << regenerate;
  return s.str();
}

}  // namespace

TEST_CASE("every sample card matches its golden image", "[golden]") {
  const auto cases = golden_cases(samples());
  int written = 0;
  for (const auto& c : cases) {
    const Canvas actual = render::render_sample(renderer(c.width, c.height, c.theme), *c.sample);
    if (updating()) {
      std::filesystem::create_directories(golden_dir());
      written += update_golden(golden_dir() / c.file, actual) ? 1 : 0;
      continue;
    }
    INFO(c.sample->name << " at " << c.width << "x" << c.height << ", " << c.theme << " theme: "
                        << c.sample->summary);
    const std::string problem = check_case(c, actual);
    CHECK(problem == "");
  }
  if (updating()) {
    // Goldens of samples that no longer exist go too, so the folder is exactly the set.
    std::set<std::string> expected;
    for (const auto& c : cases) expected.insert(c.file);
    int removed = 0;
    for (const auto& entry : std::filesystem::directory_iterator(golden_dir()))
      if (entry.path().extension() == ".png" && !expected.count(entry.path().filename().string())) {
        std::filesystem::remove(entry.path());
        ++removed;
      }
    std::cout << "update-goldens: " << cases.size() << " cases, " << written << " images written, " << removed
              << " stale ones removed, in " << golden_dir().string() << '\n';
  }
}

TEST_CASE("every golden image belongs to a sample", "[golden]") {
  std::set<std::string> expected;
  for (const auto& c : golden_cases(samples())) expected.insert(c.file);
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir())) {
    INFO(entry.path().string() << " is not the golden of any sample: run tools/update-goldens");
    CHECK(expected.count(entry.path().filename().string()) == 1);
  }
}

TEST_CASE("sample names are unique, short and usable as file names", "[samples]") {
  std::set<std::string> names;
  for (const auto& s : samples()) {
    INFO(s.name);
    CHECK(names.insert(s.name).second);
    CHECK(!s.name.empty());
    CHECK(s.name.size() <= 32);
    CHECK(s.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos);
    CHECK(!s.summary.empty());
  }
  // Every group is there, in order: scripts, layouts, titles.
  auto in_group = [](render::SampleGroup group) {
    return std::ranges::count_if(samples(), [group](const CardSample& s) { return s.group == group; });
  };
  CHECK(in_group(render::SampleGroup::script) >= 14);
  CHECK(in_group(render::SampleGroup::layout) >= 18);
  CHECK(in_group(render::SampleGroup::title) >= 1);
}

TEST_CASE("the long sample is 25,000 characters", "[samples]") {
  const auto& text = std::get<items::MediaPost>(render::sample_named(samples(), "layout-long").card).post.text;
  CHECK(text.size() == 25000);  // ASCII: characters are bytes
}

TEST_CASE("drawing a card does not depend on what the renderer drew before", "[samples]") {
  // A fresh renderer (cold glyph cache) and the shared one (warm) give the same bytes.
  render::CardRenderer fresh(960, 540, std::string(render::kSampleTimeZone));
  for (const auto& s : samples()) {
    if (s.group == render::SampleGroup::layout && s.name != "layout-entities") continue;
    INFO(s.name);
    const Canvas warm = render::render_sample(renderer(960, 540, "light"), s);
    const Canvas cold = render::render_sample(fresh, s);
    // Compared into bools: Catch would print both vectors, megabytes, on a failure.
    const bool warm_is_cold = warm.rgba() == cold.rgba();
    const bool again_is_cold = render::render_sample(fresh, s).rgba() == cold.rgba();
    CHECK(warm_is_cold);
    CHECK(again_is_cold);
  }
}

TEST_CASE("PNG files: what is written is read back, and the same picture gives the same bytes", "[png]") {
  test::TempDir dir("pipectl-png");
  const Canvas card = render::render_sample(renderer(960, 540, "light"), samples().front());
  render::write_png(dir.path() / "a.png", card);
  render::write_png(dir.path() / "b.png", card);
  const items::Image back = render::read_png(dir.path() / "a.png");
  CHECK(back.width == 960);
  CHECK(back.height == 540);
  const bool same_pixels = back.rgba == card.rgba();
  const bool same_bytes = file_bytes(dir.path() / "a.png") == file_bytes(dir.path() / "b.png");
  CHECK(same_pixels);
  CHECK(same_bytes);
  // Only the finished file is left: the temporary one was renamed.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 2);

  // Errors name the file.
  std::ofstream(dir.path() / "not.png") << "this is not a PNG";
  CHECK_THROWS_WITH(render::read_png(dir.path() / "not.png"), Catch::Contains((dir.path() / "not.png").string()));
  CHECK_THROWS_WITH(render::read_png(dir.path() / "none.png"), Catch::Contains("none.png"));
  CHECK_THROWS_WITH(render::write_png(dir.path() / "no" / "such" / "x.png", card), Catch::Contains("x.png"));
}

TEST_CASE("pipectl contact-sheet draws every sample on one PNG", "[contact-sheet]") {
  test::TempDir dir("pipectl-sheet");
  const std::filesystem::path sheet = dir.path() / "sheet.png";
  const int columns = 7, width = 360, height = 640;
  const auto run = test::run_command(test::pipectl_binary() + " contact-sheet --out " +
                                     test::shell_quote(sheet.string()) + " --size 360x640 --columns 7 --theme dark");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(run.output.find("wrote " + sheet.string()) != std::string::npos);

  // The size the help text promises, measured by ffprobe, not by our own PNG reader.
  const int cards = static_cast<int>(samples().size());
  const int gap = std::max(8, std::min(width, height) / 24), band = std::max(20, std::min(width, height) / 10);
  const int rows = (cards + columns - 1) / columns;
  const auto probe = test::run_command("ffprobe -v error -show_entries stream=codec_name,width,height,pix_fmt -of "
                                       "default=noprint_wrappers=1 " + test::shell_quote(sheet.string()));
  INFO(probe.output);
  REQUIRE(probe.exit_code == 0);
  CHECK(probe.output.find("codec_name=png\n") != std::string::npos);
  CHECK(probe.output.find("pix_fmt=rgba\n") != std::string::npos);
  CHECK(probe.output.find("width=" + std::to_string(columns * (width + gap) + gap) + "\n") != std::string::npos);
  CHECK(probe.output.find("height=" + std::to_string(rows * (height + band + gap) + gap) + "\n") != std::string::npos);

  const auto list = test::run_command(test::pipectl_binary() + " contact-sheet --list");
  CHECK(list.exit_code == 0);
  for (const auto& s : samples()) CHECK(list.output.find(s.name + "  ") != std::string::npos);

  const auto help = test::run_command(test::pipectl_binary() + " contact-sheet --help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("Usage: pipectl contact-sheet") != std::string::npos);
  CHECK(help.output.find("Exit codes") != std::string::npos);

  // Errors: bad usage is 2 and draws nothing; an unwritable file is 1 and is named.
  const auto bad_size = test::run_command(test::pipectl_binary() + " contact-sheet --size 10x10");
  CHECK(bad_size.exit_code == 2);
  CHECK(bad_size.output.find("--size '10x10'") != std::string::npos);
  const auto bad_theme = test::run_command(test::pipectl_binary() + " contact-sheet --theme sepia");
  CHECK(bad_theme.exit_code == 2);
  CHECK(bad_theme.output.find("light, dark") != std::string::npos);
  const std::filesystem::path nowhere = dir.path() / "missing-folder" / "sheet.png";
  const auto no_folder =
      test::run_command(test::pipectl_binary() + " contact-sheet --out " + test::shell_quote(nowhere.string()));
  CHECK(no_folder.exit_code == 1);
  CHECK(no_folder.output.find(nowhere.string()) != std::string::npos);
}
