// Canvases to I420 frames (stages/render/frame_convert), checked against ffmpeg too.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "builtin.hpp"
#include "card_geometry.hpp"
#include "card_renderer.hpp"
#include "card_samples.hpp"
#include "count_format.hpp"
#include "fonts.hpp"
#include "frame_convert.hpp"
#include "items/frame.hpp"
#include "items/media.hpp"
#include "pipectl/registry.hpp"
#include "png_file.hpp"
#include "post_text.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"
#include "support/render_cards.hpp"
#include "support/skip.hpp"
#include "text_layout.hpp"
#include "text_raster.hpp"
#include "time_format.hpp"

using namespace pipectl;
using namespace pipectl::test::cards;
namespace fs = std::filesystem;

TEST_CASE("canvases become BT.709 limited-range I420 frames", "[render][frame]") {
  auto convert = [&](Color colour) { return render::to_frame(Canvas(64, 48, colour)); };

  const items::Frame white = convert(Color::rgb(0xFFFFFF));
  REQUIRE(white.width == 64);
  REQUIRE(white.height == 48);
  REQUIRE(white.y.size() == 64u * 48);
  REQUIRE(white.u.size() == 32u * 24);
  REQUIRE(white.v.size() == 32u * 24);
  for (auto y : white.y) REQUIRE(y == 235);
  for (auto u : white.u) REQUIRE(u == 128);

  const items::Frame black = convert(Color::rgb(0x000000));
  for (auto y : black.y) REQUIRE(y == 16);
  for (auto v : black.v) REQUIRE(v == 128);

  // Red separates BT.709 (Y 63) from BT.601 (Y 81).
  const items::Frame red = convert(Color::rgb(0xFF0000));
  CHECK(red.y[100] == 63);
  CHECK(red.u[10] == 102);
  CHECK(red.v[10] == 240);
  const items::Frame blue = convert(Color::rgb(0x0000FF));
  CHECK(blue.y[100] == 32);
  CHECK(blue.u[10] == 240);

  CHECK_THROWS_AS(render::to_frame(Canvas(65, 48, Color{})), std::invalid_argument);
}

TEST_CASE("the I420 frames of cards match ffmpeg's conversion of the same pixels", "[render][frame]") {
  // The cards that carry the most colour: photos, emoji, the title card. ffmpeg's swscale,
  // told the same matrix, range and 2x2 chroma average, is the reference.
  test::TempDir dir("pipectl-frame");
  for (const char* name : {"layout-photos-3", "script-emoji", "title"}) {
    const Canvas canvas = render::render_sample(renderer(640, 360), render::sample_named(samples(), name));
    const std::filesystem::path png = dir.path() / (std::string(name) + ".png");
    render::write_png(png, canvas);
    const items::Frame frame = render::to_frame(canvas);
    const std::vector<std::uint8_t> reference = test::i420_of_picture(png, 640, 360);

    std::vector<std::uint8_t> ours = frame.y;
    ours.insert(ours.end(), frame.u.begin(), frame.u.end());
    ours.insert(ours.end(), frame.v.begin(), frame.v.end());
    REQUIRE(ours.size() == reference.size());
    int worst = 0;
    std::size_t off_by_one = 0;
    for (std::size_t i = 0; i < ours.size(); ++i) {
      const int difference = std::abs(ours[i] - reference[i]);
      worst = std::max(worst, difference);
      off_by_one += difference == 1;
    }
    INFO(name << ": " << off_by_one << " of " << ours.size() << " samples differ by 1, worst " << worst);
    CHECK(worst <= 1);
    CHECK(off_by_one * 100 < ours.size());  // rounding differences only, on under 1% of samples
  }
}
