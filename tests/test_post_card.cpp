// Post cards (stages/render/post_card): text, scripts, sizes, footers, avatars, hostile and
// over-long text. Checks are on real pixels, against the rectangles the layout reports.
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

TEST_CASE("post text is drawn inside the text box and nowhere else", "[render][card]") {
  auto [width, height] =
      GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1080, 1080});
  CAPTURE(width, height);
  const RenderedPost card = renderer(width, height).render_post(make_post(kEnglish));
  const auto& layout = card.layout;
  REQUIRE(card.canvas.width() == width);
  REQUIRE(card.canvas.height() == height);
  require_inside(layout.text_box, layout.card);
  require_inside(layout.header, layout.card);
  CHECK(layout.label.empty());
  CHECK(layout.text_lines >= 2);
  CHECK_FALSE(layout.text_truncated);
  CHECK(count_pixels(card.canvas, layout.text_box, is_dark) > 2000);
  // The header carries the name, and the avatar disc is coloured.
  CHECK(count_pixels(card.canvas, layout.header, is_dark) > 500);
  CHECK(count_pixels(card.canvas, layout.avatar, is_colourful) >
        layout.avatar.width * layout.avatar.height / 2);
  require_nothing_outside_boxes(card);
}

TEST_CASE("empty, very long and unbreakable texts stay in the card", "[render][card]") {
  auto [width, height] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920});
  CAPTURE(width, height);
  CardRenderer& r = renderer(width, height);

  SECTION("empty") {
    const RenderedPost card = r.render_post(make_post(""));
    CHECK(card.layout.text_box.empty());
    CHECK(card.layout.text_lines == 0);
    require_nothing_outside_boxes(card);
  }
  SECTION("4,000 characters") {
    std::string text;
    for (int i = 0; text.size() < 4000; ++i)
      text += "Sentence number " + std::to_string(i) + " goes on. ";
    const RenderedPost card = r.render_post(make_post(text));
    CHECK(card.layout.text_truncated);
    CHECK(count_pixels(card.canvas, card.layout.text_box, is_dark) > 5000);
    require_nothing_outside_boxes(card);
  }
  SECTION("a 5,000-character word") {
    const RenderedPost card = r.render_post(make_post(std::string(5000, 'x')));
    CHECK(card.layout.text_truncated);
    CHECK(count_pixels(card.canvas, card.layout.text_box, is_dark) > 5000);
    require_nothing_outside_boxes(card);
  }
  SECTION("a long text with a photo") {
    items::MediaPost post = make_post(std::string(3000, 'y') + " end");
    add_photo(post, solid_image(800, 400, Color::rgb(0x00FF00)));
    const RenderedPost card = r.render_post(post);
    CHECK_FALSE(card.layout.text_box.intersects(card.layout.photo_area));
    CHECK(card.layout.photo_area.height > 100);
    require_nothing_outside_boxes(card);
  }
}

TEST_CASE("tiny and extreme frame sizes still keep everything in its box", "[render][card]") {
  auto [width, height] =
      GENERATE(std::pair{64, 64}, std::pair{320, 180}, std::pair{2000, 100}, std::pair{100, 2000});
  CAPTURE(width, height);
  CardRenderer r(width, height, "UTC");
  items::MediaPost post = make_post(kEnglish + " 🚀 مرحبا");
  add_photo(post, solid_image(300, 200, Color::rgb(0x0000FF)));
  add_photo(post, std::nullopt);
  const RenderedPost card = r.render_post(post);
  CHECK_FALSE(card.layout.text_box.intersects(card.layout.photo_area));
  require_nothing_outside_boxes(card);
  CHECK_NOTHROW(r.render_title({"someone", "A rather long display name", "2026-11-24", 3}));
}

TEST_CASE("Arabic text is right-aligned, English left-aligned", "[render][card]") {
  const RenderedPost arabic = renderer().render_post(make_post("مرحبا بكم في يوم الإطلاق"));
  const Rect box = arabic.layout.text_box;
  const Rect ink = ink_bounds(arabic.canvas, box);
  REQUIRE_FALSE(ink.empty());
  CHECK(ink.right() > box.right() - box.width / 50);
  CHECK(ink.x > box.x + box.width / 3);

  const RenderedPost english = renderer().render_post(make_post("Welcome to launch day"));
  const Rect english_ink = ink_bounds(english.canvas, english.layout.text_box);
  REQUIRE_FALSE(english_ink.empty());
  CHECK(english_ink.x < box.x + box.width / 50);
  CHECK(english_ink.right() < box.x + box.width * 2 / 3);
}

TEST_CASE("Japanese, Hindi and emoji produce ink; emoji in colour", "[render][card]") {
  const std::string text =
      GENERATE(as<std::string>{}, "日本語のテキストです。ロケットが打ち上げられました。",
               "नमस्ते दुनिया, आज प्रक्षेपण का दिन है", "🚀🎉👩‍💻👍🏽❤️");
  CAPTURE(text);
  const RenderedPost card = renderer().render_post(make_post(text));
  const auto& box = card.layout.text_box;
  const int dark = count_pixels(card.canvas, box, is_dark);
  const int colourful = count_pixels(card.canvas, box, is_colourful);
  CHECK(dark + colourful > 1500);
  if (text.rfind("🚀", 0) == 0)
    CHECK(colourful > 3000);
  else
    CHECK(colourful < 50);  // anti-aliased text is grey, never tinted
  require_nothing_outside_boxes(card);
}

TEST_CASE("the footer under the text shows the counts; without counts there is none", "[render][card][footer]") {
  items::MediaPost post = make_post(kEnglish);
  post.post.metrics = {12, 34, 5678, 9};
  const RenderedPost card = renderer().render_post(post);
  const auto& layout = card.layout;
  REQUIRE_FALSE(layout.footer.empty());
  CHECK(layout.footer.y >= layout.text_box.bottom());
  require_inside(layout.footer, CardMetrics(1920, 1080).content());
  CHECK(count_pixels(card.canvas, layout.footer, [](Color c) { return c == kTheme.secondary; }) > 50);
  require_nothing_outside_boxes(card);
  // Without counts (archives have none) there is no footer.
  CHECK(renderer().render_post(make_post(kEnglish)).layout.footer.empty());
}

TEST_CASE("hashtags, mentions, cashtags and links are drawn in the accent colour", "[render][card][entities]") {
  // Without entities from the API, twitter-text's rules find all four (test_post_text).
  items::MediaPost post = make_post("Launch at 14:02 #Artemis with @nasa $RKLB https://t.co/AbCdEf123");
  const RenderedPost card = renderer().render_post(post);
  auto is_accent = [](Color c) { return c.b > 200 && c.r < 120 && c.g > 100; };
  CHECK(count_pixels(card.canvas, card.layout.text_box, is_accent) > 2000);
  CHECK(count_pixels(card.canvas, card.layout.text_box, is_dark) > 1000);
  require_nothing_outside_boxes(card);
}

TEST_CASE("the author's picture is drawn in the avatar circle; without one, the disc with the initial", "[render][card]") {
  items::MediaPost post = make_post(kEnglish);
  // A picture wider than tall: its centred square is pure green, its sides red.
  items::Image picture = solid_image(300, 200, Color{220, 20, 20, 255});
  for (int y = 0; y < 200; ++y)
    for (int x = 50; x < 250; ++x) {
      std::uint8_t* p = picture.rgba.data() + (static_cast<std::size_t>(y) * 300 + x) * 4;
      p[0] = 20, p[1] = 200, p[2] = 40;
    }
  post.avatar = picture;
  const RenderedPost card = renderer().render_post(post);
  const Rect& avatar = card.layout.avatar;
  const Color centre = card.canvas.at(avatar.x + avatar.width / 2, avatar.y + avatar.height / 2);
  CHECK(centre.g > 180);
  CHECK(centre.r < 60);
  // Nothing red: the sides were cropped away; the square's corners stay the card's background.
  CHECK(count_pixels(card.canvas, avatar, [](Color c) { return c.r > 150 && c.g < 80; }) == 0);
  const Color corner = card.canvas.at(avatar.x + 1, avatar.y + 1);
  CHECK_FALSE((corner.g > 180 && corner.r < 60));
  CHECK(count_pixels(card.canvas, avatar, [](Color c) { return c.g > 180 && c.r < 60; }) >
        avatar.width * avatar.height * 70 / 100);  // a circle covers 78.5% of its square

  post.avatar.reset();
  const RenderedPost disc = renderer().render_post(post);
  CHECK(count_pixels(disc.canvas, avatar, [](Color c) { return c.g > 180 && c.r < 60; }) == 0);
}

TEST_CASE("hostile text renders inside the card without failing", "[render][hostile]") {
  const auto samples = render::hostile_samples();
  CHECK(samples.size() == 8);
  for (const auto& sample : samples) {
    INFO(sample.name << ": " << sample.summary);
    const RenderedPost card = renderer().render_post(std::get<items::MediaPost>(sample.card));
    require_nothing_outside_boxes(card);
    // The note is made inside the text box, so only whether there is one can be wrong.
    CHECK(card.layout.note.empty() == !card.layout.text_truncated);
    CHECK_FALSE(card.layout.quote.empty());
  }
}

TEST_CASE("a post too long for the card ends in an ellipsis and says how much was cut", "[render][card]") {
  std::string text;
  while (text.size() < 25000) text += "Twenty-five thousand characters, in words. ";
  text.resize(25000);
  for (auto [width, height] : {std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1080, 1080}}) {
    CAPTURE(width, height);
    const RenderedPost card = renderer(width, height).render_post(make_post(text));
    const auto& layout = card.layout;
    CHECK(layout.text_truncated);
    CHECK(layout.text_size == Approx(CardMetrics(width, height).text_min));
    // Most of the text is cut, and the note under the text says how much.
    CHECK(layout.cut_characters > 20000);
    CHECK(layout.cut_characters < 25000);
    REQUIRE_FALSE(layout.note.empty());
    CHECK(count_pixels(card.canvas, layout.note, [](Color c) { return c == kTheme.secondary; }) > 0);
    require_nothing_outside_boxes(card);
  }
  // A short text is not cut and has no note.
  const RenderedPost short_card = renderer().render_post(make_post("Short."));
  CHECK(short_card.layout.note.empty());
  CHECK(short_card.layout.cut_characters == 0);
}
