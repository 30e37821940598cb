// The title and end cards of a day (stages/render/title_card).
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

TEST_CASE("the title card shows the name, handle, day and post count", "[render][title]") {
  auto [width, height] =
      GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1080, 1080});
  CAPTURE(width, height);
  const auto title = renderer(width, height).render_title({"nasa", "NASA", "2026-11-24", 12});
  const auto& layout = title.layout;
  for (const Rect* rect : {&layout.name, &layout.handle, &layout.date, &layout.count}) {
    require_inside(*rect, layout.card);
    CHECK(count_pixels(title.canvas, *rect, [](Color c) { return c != kTheme.card; }) > 200);
  }
  CHECK(layout.name.bottom() <= layout.handle.y);
  CHECK(layout.handle.bottom() <= layout.date.y);
  CHECK(layout.date.bottom() <= layout.count.y);

  const auto empty = renderer(width, height).render_title({"nasa", "", "", 0});
  CHECK(empty.layout.name.empty());
  CHECK(empty.layout.date.empty());
  CHECK(count_pixels(empty.canvas, empty.layout.count, [](Color c) { return c != kTheme.card; }) >
        100);
}

TEST_CASE("the end card shows the heading, handle and day, and the totals", "[render][title]") {
  auto [width, height] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920});
  CAPTURE(width, height);
  render::EndInfo info{"nasa", "2026-11-24", 12, {}};
  info.totals.likes = 1234;
  const auto end = renderer(width, height).render_end(info);
  const auto& layout = end.layout;
  for (const Rect* rect : {&layout.heading, &layout.who, &layout.totals, &layout.counts}) {
    require_inside(*rect, layout.card);
    CHECK(count_pixels(end.canvas, *rect, [](Color c) { return c != kTheme.card; }) > 200);
  }
  CHECK(layout.heading.bottom() <= layout.who.y);
  CHECK(layout.who.bottom() <= layout.totals.y);
  CHECK(layout.totals.bottom() <= layout.counts.y);  // the posts' counts on a line of their own
  CHECK(count_pixels(end.canvas, layout.totals, [](Color c) { return c == kTheme.accent; }) > 0);

  // Without a handle or a day there is no line for them, nor one for counts that are all 0.
  const auto bare = renderer(width, height).render_end({"", "", 0, {}});
  CHECK(bare.layout.who.empty());
  CHECK_FALSE(bare.layout.totals.empty());
  CHECK(bare.layout.counts.empty());
}
