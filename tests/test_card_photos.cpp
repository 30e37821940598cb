// Photos on post cards (stages/render/post_card, card_geometry): fitting, grids, placeholders,
// video badges, and the bound download-media sizes pictures by.
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

TEST_CASE("a photo is fitted into the photo area with its aspect ratio", "[render][card][photo]") {
  auto [width, height] =
      GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1080, 1080});
  CAPTURE(width, height);
  items::MediaPost post = make_post("A red photo, twice as wide as it is high.");
  add_photo(post, solid_image(800, 400, Color::rgb(0xFF0000)));
  const RenderedPost card = renderer(width, height).render_post(post);
  const auto& layout = card.layout;

  REQUIRE(layout.photo_rects.size() == 1);
  REQUIRE_FALSE(layout.placeholders[0]);
  const Rect photo = layout.photo_rects[0];
  const Rect cell = layout.photo_cells[0];
  require_inside(photo, layout.photo_area);
  require_inside(layout.photo_area, layout.card);
  CHECK_FALSE(layout.text_box.intersects(layout.photo_area));
  CHECK(static_cast<double>(photo.width) / photo.height == Approx(2.0).epsilon(0.01));
  // It touches the cell on the limiting side.
  CHECK((photo.width == cell.width || photo.height == cell.height));

  auto is_red = [](Color c) { return c.r > 245 && c.g < 10 && c.b < 10; };
  CHECK(is_red(card.canvas.at(photo.x + photo.width / 2, photo.y + photo.height / 2)));
  CHECK(is_red(card.canvas.at(photo.x + 1, photo.y + 1)));
  CHECK(is_red(card.canvas.at(photo.right() - 2, photo.bottom() - 2)));
  // Just outside the fitted rectangle, on the sides where the cell has room, is the card.
  const int cx = photo.x + photo.width / 2, cy = photo.y + photo.height / 2;
  int checked = 0;
  auto card_colour_at = [&](int x, int y) {
    CHECK(card.canvas.at(x, y) == kTheme.card);
    ++checked;
  };
  if (photo.x - 2 >= cell.x) card_colour_at(photo.x - 2, cy);
  if (photo.right() + 1 < cell.right()) card_colour_at(photo.right() + 1, cy);
  if (photo.y - 2 >= cell.y) card_colour_at(cx, photo.y - 2);
  if (photo.bottom() + 1 < cell.bottom()) card_colour_at(cx, photo.bottom() + 1);
  CHECK(checked >= 2);
  // Only the photo is red.
  CHECK(count_pixels(card.canvas, card.canvas.bounds(), is_red) <= photo.width * photo.height);
  CHECK(count_pixels(card.canvas, photo, is_red) > photo.width * photo.height * 95 / 100);
  require_nothing_outside_boxes(card);
}

TEST_CASE("two to four photos share the area in a grid, each filling its cell", "[render][card][photo]") {
  const int count = GENERATE(2, 3, 4);
  auto [width, height] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920});
  CAPTURE(count, width, height);
  const Color colours[] = {Color::rgb(0xFF0000), Color::rgb(0x00FF00), Color::rgb(0x0000FF),
                           Color::rgb(0xFFFF00)};
  items::MediaPost post = make_post("Photos of the day");
  for (int i = 0; i < count; ++i) add_photo(post, solid_image(640 + 100 * i, 480, colours[i]));
  const RenderedPost card = renderer(width, height).render_post(post);
  const auto& layout = card.layout;
  REQUIRE(layout.photo_cells.size() == static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    require_inside(layout.photo_cells[i], layout.photo_area);
    require_inside(layout.photo_rects[i], layout.photo_cells[i]);
    for (int j = 0; j < i; ++j)
      CHECK_FALSE(layout.photo_cells[i].intersects(layout.photo_cells[j]));
    // As on a timeline: the photo is cropped to the cell's shape and fills it to its corners.
    const Rect& p = layout.photo_rects[i];
    CHECK(p == layout.photo_cells[i]);
    CHECK(card.canvas.at(p.x + p.width / 2, p.y + p.height / 2) == colours[i]);
    CHECK(card.canvas.at(p.x + 1, p.y + 1) == colours[i]);
    CHECK(card.canvas.at(p.right() - 2, p.bottom() - 2) == colours[i]);
  }
  require_nothing_outside_boxes(card);
}

TEST_CASE("photos never get more room than largest_photo_area, which download-media sizes them by",
          "[render][card][photo]") {
  auto [width, height] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1080, 1080});
  const std::string text = GENERATE(std::string(), std::string("Short"),
                                    std::string(400, 'w') + " a long text that takes every line it may");
  const bool labelled = GENERATE(false, true);
  CAPTURE(width, height, text.size(), labelled);
  items::MediaPost post = make_post(text);
  if (labelled) post.post.referenced.push_back({"replied_to", "2", std::nullopt, std::nullopt});
  add_photo(post, solid_image(800, 400, Color::rgb(0xFF0000)));
  const RenderedPost card = renderer(width, height).render_post(post);
  const Rect bound = render::largest_photo_area(CardMetrics(width, height), render::has_visible_text(text));
  require_inside(card.layout.photo_area, bound);
  // Without a label the bound is exact where the layout does not depend on the text's length.
  if (!labelled && (text.empty() || width >= height * 1.25)) CHECK(card.layout.photo_area == bound);
}

TEST_CASE("a missing image shows a placeholder box with a note", "[render][card][photo]") {
  items::MediaPost post = make_post("The photo did not download.");
  add_photo(post, std::nullopt);
  // A corrupt image (too few bytes for its size) is treated as missing.
  items::Image broken{100, 100, std::vector<std::uint8_t>(10, 0)};
  add_photo(post, broken);
  const RenderedPost card = renderer().render_post(post);
  const auto& layout = card.layout;
  REQUIRE(layout.placeholders == std::vector<bool>{true, true});
  for (const Rect& cell : layout.photo_cells) {
    CHECK(card.canvas.at(cell.x + cell.width / 2, cell.y + cell.height / 8) == kTheme.placeholder);
    CHECK(count_pixels(card.canvas, cell, is_dark) > 100);  // the note
  }
  require_nothing_outside_boxes(card);
}

TEST_CASE("videos and GIFs show their preview with a play badge", "[render][card][photo]") {
  const std::string type = GENERATE(std::string("video"), std::string("animated_gif"), std::string("photo"));
  CAPTURE(type);
  items::MediaPost post = make_post("Watch this");
  add_photo(post, solid_image(1280, 720, Color::rgb(0xFFFFFF)), type);
  const RenderedPost card = renderer().render_post(post);
  const auto& layout = card.layout;
  if (type == "photo") {
    CHECK(layout.badges.empty());
    return;
  }
  REQUIRE(layout.badges.size() == 1);
  const Rect& badge = layout.badges[0];
  require_inside(badge, layout.photo_rects[0]);
  // A darkened disc on the white preview, with the white triangle in its middle.
  CHECK(is_dark(card.canvas.at(badge.x + badge.width / 5, badge.y + badge.height / 2)));
  CHECK(card.canvas.at(badge.x + badge.width / 2, badge.y + badge.height / 2) == Color::rgb(0xFFFFFF));
  require_nothing_outside_boxes(card);
}
