// Text layout (stages/render/text_layout): size fitting, wrapping, cutting, bidi reordering and
// ink ranges, on the layout's own glyph positions.
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

namespace {

// 60 px at most, 28 at least: the fitting cases' style.
render::TextStyle fitting_style() {
  render::TextStyle style;
  style.max_size = 60;
  style.min_size = 28;
  return style;
}

std::string text_too_long_for_a_box() {
  std::string long_text;
  while (long_text.size() < 4000) long_text += "All work and no play makes a dull card. ";
  return long_text;
}

}  // namespace

TEST_CASE("text is set at the largest size that fits, and cut with an ellipsis at the smallest",
          "[render][layout]") {
  render::TextLayouter layouter(fonts());
  const render::TextStyle style = fitting_style();

  const auto short_text = layouter.layout("Hello world", 1000, 400, style);
  CHECK(short_text.size == Approx(60));
  CHECK(short_text.lines.size() == 1);
  CHECK_FALSE(short_text.truncated);

  const std::string long_text = text_too_long_for_a_box();
  const auto cut = layouter.layout(long_text, 1000, 400, style);
  CHECK(cut.size == Approx(28));
  CHECK(cut.truncated);
  CHECK(cut.height <= 400);
  for (const auto& line : cut.lines) CHECK(line.x + line.width <= 1000 + 1e-6);
}

TEST_CASE("cut_reserve keeps room under cut text (for the note of what was cut), and only under cut text",
          "[render][layout]") {
  render::TextLayouter layouter(fonts());
  const render::TextStyle style = fitting_style();
  const std::string long_text = text_too_long_for_a_box();
  const auto cut = layouter.layout(long_text, 1000, 400, style);
  render::TextStyle reserving = style;
  reserving.cut_reserve = 100;
  const auto cut_with_room = layouter.layout(long_text, 1000, 400, reserving);
  CHECK(cut_with_room.truncated);
  CHECK(cut_with_room.size == Approx(28));
  CHECK(cut_with_room.height <= 300);
  CHECK(cut_with_room.lines.size() < cut.lines.size());
  CHECK(cut_with_room.cut_clusters > cut.cut_clusters);
  CHECK(layouter.layout("Hello world", 1000, 400, reserving).lines.size() == 1);
  CHECK(layouter.layout("Hello world", 1000, 400, reserving).size == Approx(60));
}

TEST_CASE("a text that fits between the sizes is set between them, whole", "[render][layout]") {
  render::TextLayouter layouter(fonts());
  const render::TextStyle style = fitting_style();
  const auto medium = layouter.layout(kEnglish, 1000, 400, style);
  CHECK(medium.size < 60);
  CHECK(medium.size > 28);
  CHECK_FALSE(medium.truncated);
  CHECK(medium.height <= 400);
}

TEST_CASE("a word longer than the box is cut between characters", "[render][layout]") {
  render::TextLayouter layouter(fonts());
  render::TextStyle style;
  style.max_size = style.min_size = 30;
  const auto layout = layouter.layout(std::string(5000, 'w'), 500, 200, style);
  REQUIRE(layout.lines.size() >= 2);
  CHECK(layout.truncated);
  for (const auto& line : layout.lines) {
    CHECK(line.width <= 500 + 1e-6);
    CHECK(line.width > 400);  // lines are filled, not one glyph each
  }
}

TEST_CASE("mixed-direction text is reordered visually", "[render][layout]") {
  render::TextLayouter layouter(fonts());
  render::TextStyle style;
  style.max_size = style.min_size = 40;
  // Latin, then Hebrew alef-bet-gimel: read left to right, the Hebrew shows gimel first.
  const auto layout = layouter.layout("abc \u05D0\u05D1\u05D2", 1000, 100, style);
  auto x_of = [&](char32_t c) {
    render::Font& font = fonts().font_for(&c, 1, render::FontWeight::regular, nullptr);
    hb_codepoint_t glyph = 0;
    REQUIRE(hb_font_get_nominal_glyph(font.hb_font(), c, &glyph));
    for (const auto& g : layout.glyphs)
      if (g.font == &font && g.glyph == glyph) return g.x;
    FAIL("glyph not placed");
    return 0.0;
  };
  CHECK(x_of(U'a') < x_of(U'c'));
  CHECK(x_of(U'c') < x_of(0x05D2));
  CHECK(x_of(0x05D2) < x_of(0x05D1));
  CHECK(x_of(0x05D1) < x_of(0x05D0));
  CHECK_FALSE(layout.lines.at(0).rtl);
}

TEST_CASE("malformed UTF-8 and control characters are drawn without failing", "[render][layout]") {
  render::TextLayouter layouter(fonts());
  render::TextStyle style;
  const auto layout = layouter.layout(
      std::string("ok \xff\xfe bad \x01\x02 \xe2\x82 end\r\n\r\n\r\nnext"), 1000, 1000, style);
  CHECK(layout.lines.size() == 3);  // "ok … end", one blank line, "next"
}

TEST_CASE("text ranges with the accent ink are drawn in the accent colour", "[render][layout]") {
  const std::string text = "Plain words then #hashtag and more plain words";
  const std::size_t start = text.find('#');
  const render::InkRange ink{start, start + 8, 1};
  render::TextLayouter layouter(fonts());
  render::TextStyle style;
  const auto layout = layouter.layout(text, 1800, 200, style, std::span(&ink, 1));
  int accent = 0;
  for (const auto& glyph : layout.glyphs) accent += glyph.ink == 1;
  CHECK(accent == 8);
  Canvas canvas(1900, 220, kTheme.card);
  render::TextRaster raster;
  raster.draw(canvas, layout, 10, 10, kTheme.text, canvas.bounds(), kTheme.accent);
  auto is_accent = [](Color c) { return c.b > 200 && c.r < 120; };
  CHECK(count_pixels(canvas, canvas.bounds(), is_accent) > 100);
  // Nothing else is blue: left of the hashtag, only the text colour.
  const double hashtag_x = std::min_element(layout.glyphs.begin(), layout.glyphs.end(), [](auto& a, auto& b) {
                             return (a.ink == 1 ? a.x : 1e9) < (b.ink == 1 ? b.x : 1e9);
                           })->x;
  CHECK(count_pixels(canvas, Rect{0, 0, static_cast<int>(hashtag_x) + 5, 220}, is_accent) == 0);
}

TEST_CASE("an @mention inside right-to-left text keeps its @ in front", "[render][layout][entities]") {
  items::Post post;
  post.text = "\u0634\u0643\u0631\u0627 @nasa \u0639\u0644\u0649 \u0627\u0644\u0635\u0648\u0631";
  const render::StyledText styled = render::card_text(post);
  REQUIRE(styled.inks.size() == 1);
  render::TextLayouter layouter(fonts());
  const auto layout = layouter.layout(styled.text, 1800, 200, render::TextStyle{}, styled.inks);
  // The highlighted glyphs read left to right, "@" first.
  std::vector<const render::PlacedGlyph*> mention;
  for (const auto& glyph : layout.glyphs)
    if (glyph.ink == 1) mention.push_back(&glyph);
  REQUIRE(mention.size() == 5);
  std::sort(mention.begin(), mention.end(), [](auto* a, auto* b) { return a->x < b->x; });
  hb_codepoint_t at = 0;
  REQUIRE(hb_font_get_nominal_glyph(mention[0]->font->hb_font(), '@', &at));
  CHECK(mention[0]->glyph == at);
}

TEST_CASE("the count of cut characters leaves out the invisible isolates around entities", "[render][layout]") {
  // 600 hashtags, each wrapped in two isolates by card_text: far too long for a small box.
  items::Post post;
  for (int i = 0; i < 600; ++i) post.text += "#tag" + std::to_string(i % 10) + " ";
  const render::StyledText styled = render::card_text(post);
  REQUIRE(styled.inks.size() == 600);
  render::TextLayouter layouter(fonts());
  render::TextStyle style;
  const auto layout = layouter.layout(styled.text, 400, 60, style, styled.inks);
  REQUIRE(layout.truncated);
  // Every cut hashtag is 5 characters and a space: the count is a multiple of 6 (give or take
  // the trailing space of the last line), never inflated by 2 per hashtag.
  const int shown_tags = 600 - layout.cut_clusters / 6;
  CHECK(layout.cut_clusters <= 600 * 6);
  CHECK(shown_tags > 0);
  CHECK(layout.cut_clusters % 6 <= 1);
}

namespace {

// "word OBJ word ..." with U+FFFC where `objects` says, each standing for picture 0.
struct ObjectText {
  std::string text;
  std::vector<render::InlineObject> objects;
  ObjectText& plain(std::string_view s) {
    text.append(s);
    return *this;
  }
  ObjectText& object(int index = 0) {
    objects.push_back({text.size(), index});
    text.append("\uFFFC");
    return *this;
  }
};

}  // namespace

TEST_CASE("an inline picture takes a cell of its own in the line, its square on the baseline",
          "[render][layout][emoji]") {
  render::TextLayouter layouter(fonts());
  render::TextStyle style;
  style.max_size = style.min_size = 40;
  const ObjectText with = ObjectText().plain("Good morning ").object().plain(" all");
  const auto layout = layouter.layout(with.text, 1800, 200, style, {}, with.objects);
  REQUIRE(layout.lines.size() == 1);
  REQUIRE(layout.images.size() == 1);
  const render::PlacedImage& image = layout.images[0];
  CHECK(image.side == Approx(render::kInlineImageEm * 40));
  // Inside the line's band, and between the words: after "morning ", before "all".
  CHECK(image.y >= 0);
  CHECK(image.y + image.side <= layout.line_advance);
  CHECK(image.y < layout.lines[0].baseline);
  CHECK(image.y + image.side > layout.lines[0].baseline);
  const auto without = layouter.layout("Good morning  all", 1800, 200, style);
  // The picture's cell is all the line gains (the U+FFFC draws no glyph).
  CHECK(layout.lines[0].width - without.lines[0].width == Approx(render::kInlineImageAdvance * 40).margin(0.5));
  CHECK(layout.glyphs.size() == without.glyphs.size());
  // No glyph starts inside the picture's square: the words are before and after it.
  int left = 0, right = 0;
  for (const auto& g : layout.glyphs) {
    CHECK((g.x < image.x || g.x >= image.x + image.side));
    (g.x < image.x ? left : right) += 1;
  }
  CHECK(left == 13);  // "Good morning "
  CHECK(right == 4);  // " all"
  // A U+FFFC that no object names is text, drawn by the fonts.
  const auto plain = layouter.layout(with.text, 1800, 200, style);
  CHECK(plain.images.empty());
}

TEST_CASE("inline pictures wrap like characters and are cut with the text", "[render][layout][emoji]") {
  render::TextLayouter layouter(fonts());
  render::TextStyle style;
  style.max_size = style.min_size = 30;
  ObjectText many;
  for (int i = 0; i < 60; ++i) many.object(i % 3);
  const auto wrapped = layouter.layout(many.text, 400, 1000, style, {}, many.objects);
  CHECK_FALSE(wrapped.truncated);
  CHECK(wrapped.images.size() == 60);
  CHECK(wrapped.lines.size() > 3);
  for (const auto& image : wrapped.images) {
    CHECK(image.x >= 0);
    CHECK(image.x + image.side <= 400 + 1e-6);
    CHECK(image.y + image.side <= wrapped.height + 1e-6);
  }
  for (const auto& line : wrapped.lines) CHECK(line.width <= 400 + 1e-6);
  // Indexes follow the objects in reading order.
  CHECK(wrapped.images[0].index == 0);
  CHECK(wrapped.images[1].index == 1);
  CHECK(wrapped.images[4].index == 1);

  // Two lines' worth: cut with an ellipsis, the pictures not shown counted as characters.
  const auto cut = layouter.layout(many.text, 400, 2 * wrapped.line_advance + 1, style, {}, many.objects);
  CHECK(cut.truncated);
  CHECK(cut.lines.size() == 2);
  CHECK(cut.images.size() + static_cast<std::size_t>(cut.cut_clusters) == 60);
  for (const auto& image : cut.images) CHECK(image.x + image.side <= 400 + 1e-6);
}

TEST_CASE("an inline picture in right-to-left text takes its place in the reading order", "[render][layout][emoji]") {
  render::TextLayouter layouter(fonts());
  render::TextStyle style;
  style.max_size = style.min_size = 40;
  // Hebrew alef, the picture, bet: read right to left, alef is rightmost, bet leftmost.
  const ObjectText text = ObjectText().plain("\u05D0\u05D0 ").object().plain(" \u05D1\u05D1");
  const auto layout = layouter.layout(text.text, 1000, 100, style, {}, text.objects);
  REQUIRE(layout.images.size() == 1);
  REQUIRE(layout.lines.at(0).rtl);
  auto xs_of = [&](char32_t c) {
    render::Font& font = fonts().font_for(&c, 1, render::FontWeight::regular, nullptr);
    hb_codepoint_t glyph = 0;
    REQUIRE(hb_font_get_nominal_glyph(font.hb_font(), c, &glyph));
    std::vector<double> xs;
    for (const auto& g : layout.glyphs)
      if (g.font == &font && g.glyph == glyph) xs.push_back(g.x);
    REQUIRE(xs.size() == 2);
    return xs;
  };
  const auto& image = layout.images[0];
  for (double x : xs_of(0x05D0)) CHECK(x >= image.x + image.side);
  for (double x : xs_of(0x05D1)) CHECK(x < image.x);
  // Right-aligned, as its paragraph reads.
  CHECK(layout.lines[0].x + layout.lines[0].width == Approx(1000).margin(0.5));
}

TEST_CASE("the raster draws each inline picture fitted in its square, and nothing of a missing one",
          "[render][layout][emoji]") {
  render::TextLayouter layouter(fonts());
  render::TextStyle style;
  style.max_size = style.min_size = 50;
  const ObjectText text = ObjectText().plain("a ").object(0).plain(" b ").object(1).plain(" c ").object(2);
  const auto layout = layouter.layout(text.text, 1000, 100, style, {}, text.objects);
  REQUIRE(layout.images.size() == 3);
  // A wide red picture (fitted: a band across the square), a square green one, none for index 2.
  const items::Image red = solid_image(80, 40, Color::rgb(0xFF0000));
  const items::Image green = solid_image(30, 30, Color::rgb(0x00FF00));
  const std::vector<const items::Image*> pictures{&red, &green, nullptr};
  Canvas canvas(1100, 140, kTheme.card);
  render::TextRaster raster;
  raster.draw(canvas, layout, 20, 10, kTheme.text, canvas.bounds(), kTheme.accent, pictures);
  const Rect red_rect = render::TextRaster::image_rect(layout.images[0], red, 20, 10);
  const Rect green_rect = render::TextRaster::image_rect(layout.images[1], green, 20, 10);
  CHECK(std::abs(red_rect.width - 2 * red_rect.height) <= 1);
  CHECK(green_rect.width == green_rect.height);
  CHECK(green_rect.width == static_cast<int>(std::lround(render::kInlineImageEm * 50)));
  auto is_red = [](Color c) { return c.r > 200 && c.g < 60 && c.b < 60; };
  auto is_green = [](Color c) { return c.g > 200 && c.r < 60 && c.b < 60; };
  CHECK(count_pixels(canvas, red_rect.inset(1), is_red) == red_rect.inset(1).width * red_rect.inset(1).height);
  CHECK(count_pixels(canvas, green_rect.inset(1), is_green) == green_rect.inset(1).width * green_rect.inset(1).height);
  CHECK(count_pixels(canvas, canvas.bounds(), is_red) <= red_rect.width * red_rect.height);
  CHECK(count_pixels(canvas, canvas.bounds(), is_green) <= green_rect.width * green_rect.height);
  // The third square stays the card's colour.
  const auto& third = layout.images[2];
  const Rect third_square{static_cast<int>(std::lround(20 + third.x)), static_cast<int>(std::lround(10 + third.y)),
                          static_cast<int>(third.side), static_cast<int>(third.side)};
  CHECK(count_pixels(canvas, third_square, [](Color c) { return c == kTheme.card; }) ==
        third_square.width * third_square.height);
  // Clipped like the glyphs: nothing lands outside the clip.
  Canvas clipped(1100, 140, kTheme.card);
  const Rect clip{0, 0, red_rect.x + red_rect.width / 2, 140};
  raster.draw(clipped, layout, 20, 10, kTheme.text, clip, kTheme.accent, pictures);
  CHECK(count_pixels(clipped, Rect{clip.right(), 0, 1100 - clip.right(), 140}, [](Color c) { return c != kTheme.card; }) == 0);
  CHECK(count_pixels(clipped, clip, is_red) > 0);
}
