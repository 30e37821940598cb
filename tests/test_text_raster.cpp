// The text raster (stages/render/text_raster): glyphs drawn into a canvas, within a clip.
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

TEST_CASE("the raster draws nothing outside its clip rectangle", "[render][raster]") {
  render::TextLayouter layouter(fonts());
  render::TextRaster raster;
  render::TextStyle style;
  style.max_size = style.min_size = 60;
  const auto layout = layouter.layout("Clipped text 🚀", 800, 100, style);
  Canvas canvas(400, 200, kTheme.card);
  const Rect clip{20, 30, 90, 25};  // cuts through the first letters
  raster.draw(canvas, layout, 10, 10, kTheme.text, clip);
  CHECK(count_pixels(canvas, clip, is_dark) > 50);
  CHECK(count_pixels(canvas, canvas.bounds(), [](Color c) { return c != kTheme.card; }) ==
        count_pixels(canvas, clip, [](Color c) { return c != kTheme.card; }));
}
