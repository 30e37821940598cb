// Post cards (stages/render/post_card): text, scripts, sizes, footers, avatars, hostile and
// over-long text. Checks are on real pixels, against the rectangles the layout reports.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
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

// ---------------------------------------------------------------------------------------------
// What Bluesky and Mastodon posts add: content warnings, link cards, polls, custom emoji.

namespace {

const Color kMagenta = Color::rgb(0xFF00FF);
const Color kGreen = Color::rgb(0x00C853);
bool is_magenta(Color c) { return c.r > 200 && c.g < 60 && c.b > 200; }
bool is_green(Color c) { return c.g > 150 && c.r < 60 && c.b < 130 && c.b > 40; }

items::MediaPost with_link(items::MediaPost post, items::LinkCard link, std::optional<items::Image> thumb) {
  post.post.link = std::move(link);
  post.link_thumb = std::move(thumb);
  return post;
}

const items::LinkCard kLink{"https://www.field-notes.example.com/2026/winter", "A winter of counting birds",
                            "Forty mornings, eleven volunteers and one very patient heron.",
                            "https://cdn.example.com/thumb.jpg"};

// "Hello :blob: and :blob: again :gone:" as Mastodon gives it; `blob` has a picture when given.
items::MediaPost with_custom_emoji(std::optional<items::Image> blob) {
  items::MediaPost post = make_post("Hello :blob: and :blob: again :gone:");
  for (auto [start, shortcode] : {std::pair{6, "blob"}, std::pair{17, "blob"}, std::pair{30, "gone"}}) {
    items::Entity e;
    e.kind = items::EntityKind::custom_emoji;
    e.start = start;
    e.end = start + static_cast<int>(std::string_view(shortcode).size()) + 2;
    e.text = shortcode;
    e.image_url = std::string("https://mastodon.example/emoji/").append(shortcode).append(".png");
    post.post.entities.push_back(e);
  }
  if (blob) post.emoji.emplace("https://mastodon.example/emoji/blob.png", std::move(*blob));
  return post;
}

items::Poll poll_of(std::vector<items::PollOption> options, std::optional<std::int64_t> voters, bool closed) {
  return items::Poll{std::move(options), voters, false, closed};
}

// Every part of the body inside the text box, and no two of them overlapping.
void require_body_parts_apart(const RenderedPost& card) {
  const auto& l = card.layout;
  const std::vector<Rect> parts{l.content_warning, l.quote, l.link_card, l.poll};
  for (const Rect& part : parts) require_inside(part, l.text_box);
  for (std::size_t i = 0; i < parts.size(); ++i)
    for (std::size_t j = i + 1; j < parts.size(); ++j) {
      INFO("parts " << i << " and " << j);
      CHECK_FALSE(parts[i].intersects(parts[j]));
    }
  require_inside(l.warning_sign, l.content_warning);
  require_inside(l.link_thumb, l.link_card);
  for (const Rect& row : l.poll_rows) require_inside(row, l.poll);
  for (const Rect& bar : l.poll_bars) require_inside(bar, l.poll);
  require_inside(l.poll_summary, l.poll);
  for (std::size_t i = 0; i + 1 < l.poll_rows.size(); ++i) CHECK(l.poll_rows[i].bottom() <= l.poll_rows[i + 1].y);
  for (const Rect& emoji : l.emoji) require_inside(emoji, l.text_box);
  CHECK_FALSE(l.text_box.intersects(l.photo_area));
}

}  // namespace

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
  CHECK(samples.size() == 9);
  for (const auto& sample : samples) {
    INFO(sample.name << ": " << sample.summary);
    const auto& post = std::get<items::MediaPost>(sample.card);
    const RenderedPost card = renderer().render_post(post);
    require_nothing_outside_boxes(card);
    require_body_parts_apart(card);
    // The note is made inside the text box, so only whether there is one can be wrong.
    CHECK(card.layout.note.empty() == !card.layout.text_truncated);
    CHECK(card.layout.quote.empty() == post.post.referenced.empty());
    CHECK(card.layout.content_warning.empty() == post.post.content_warning.empty());
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


TEST_CASE("a content warning is a band above the text, and the text is still shown", "[render][card][warning]") {
  auto [width, height] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1080, 1080});
  CAPTURE(width, height);
  items::MediaPost post = make_post(kEnglish);
  post.post.content_warning = "Spoilers: the launch date";
  const RenderedPost card = renderer(width, height).render_post(post);
  const auto& layout = card.layout;
  REQUIRE_FALSE(layout.content_warning.empty());
  CHECK(layout.content_warning.y == layout.text_box.y);
  require_body_parts_apart(card);
  // On the placeholder colour, the sign in the warning colour, the words in the text colour.
  const Rect band = layout.content_warning;
  CHECK(count_pixels(card.canvas, band, [](Color c) { return c == kTheme.placeholder; }) > band.width * band.height / 2);
  CHECK(count_pixels(card.canvas, layout.warning_sign, [](Color c) { return c == kTheme.warning; }) >
        layout.warning_sign.width * layout.warning_sign.height / 4);
  CHECK(count_pixels(card.canvas, band, is_dark) > 300);
  // The post's own text below it, whole.
  const Rect below{layout.text_box.x, band.bottom(), layout.text_box.width, layout.text_box.bottom() - band.bottom()};
  CHECK(count_pixels(card.canvas, below, is_dark) > 2000);
  CHECK_FALSE(layout.text_truncated);
  require_nothing_outside_boxes(card);
  // A blank warning draws nothing.
  post.post.content_warning = " \n ";
  CHECK(renderer(width, height).render_post(post).layout.content_warning.empty());
}

TEST_CASE("a content warning on a post without text still shows, above its photos", "[render][card][warning]") {
  items::MediaPost post = make_post("");
  post.post.content_warning = "Flashing images";
  add_photo(post, solid_image(800, 450, kGreen));
  const RenderedPost card = renderer(1080, 1920).render_post(post);
  REQUIRE_FALSE(card.layout.content_warning.empty());
  CHECK(card.layout.content_warning.bottom() <= card.layout.photo_area.y);
  require_body_parts_apart(card);
  require_nothing_outside_boxes(card);
}

TEST_CASE("a link card is a box under the text: its picture beside the host, title and description",
          "[render][card][link]") {
  auto [width, height] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1080});
  CAPTURE(width, height);
  const CardMetrics metrics(width, height);
  const RenderedPost card =
      renderer(width, height).render_post(with_link(make_post("Notes from the reservoir:"), kLink, solid_image(600, 300, kGreen)));
  const auto& layout = card.layout;
  REQUIRE_FALSE(layout.link_card.empty());
  REQUIRE_FALSE(layout.link_thumb.empty());
  require_body_parts_apart(card);
  // Under the text, the picture at its left, a square no larger than download-media loads it.
  const Rect text_ink = ink_bounds(card.canvas, {layout.text_box.x, layout.text_box.y, layout.text_box.width,
                                                 layout.link_card.y - layout.text_box.y});
  CHECK_FALSE(text_ink.empty());
  CHECK(layout.link_thumb.width == layout.link_thumb.height);
  CHECK(layout.link_thumb.width <= render::largest_link_thumb_side(metrics));
  CHECK(layout.link_thumb.x - layout.link_card.x == metrics.link_padding);
  CHECK(count_pixels(card.canvas, layout.link_thumb, is_green) == layout.link_thumb.width * layout.link_thumb.height);
  // Its words right of the picture; the border round it.
  const Rect words{layout.link_thumb.right(), layout.link_card.y, layout.link_card.right() - layout.link_thumb.right(),
                   layout.link_card.height};
  CHECK(count_pixels(card.canvas, words, is_dark) > 800);
  CHECK(card.canvas.at(layout.link_card.x + layout.link_card.width / 2, layout.link_card.y) == kTheme.border);
  CHECK(count_pixels(card.canvas, layout.link_card, is_green) == layout.link_thumb.width * layout.link_thumb.height);
  require_nothing_outside_boxes(card);
}

TEST_CASE("on a tall frame a link card's picture is above its text, as wide as the card", "[render][card][link]") {
  const RenderedPost card =
      renderer(1080, 1920).render_post(with_link(make_post("Notes from the reservoir:"), kLink, solid_image(1200, 628, kGreen)));
  const auto& layout = card.layout;
  REQUIRE_FALSE(layout.link_thumb.empty());
  require_body_parts_apart(card);
  CHECK(layout.link_thumb.width == layout.link_card.width - 2 * CardMetrics(1080, 1920).link_padding);
  CHECK(layout.link_thumb.width <= render::largest_link_thumb_side(CardMetrics(1080, 1920)));
  CHECK(layout.link_thumb.height < layout.link_thumb.width);
  const Rect under{layout.link_card.x, layout.link_thumb.bottom(), layout.link_card.width,
                   layout.link_card.bottom() - layout.link_thumb.bottom()};
  CHECK(count_pixels(card.canvas, under, is_dark) > 800);
  require_nothing_outside_boxes(card);
}

TEST_CASE("a link card draws only what the source gave", "[render][card][link]") {
  CardRenderer& r = renderer();
  const items::MediaPost text = make_post("A link:");
  // Without a picture (none, or one that could not be had): no picture box, the text at the left.
  const RenderedPost no_thumb = r.render_post(with_link(text, kLink, std::nullopt));
  REQUIRE_FALSE(no_thumb.layout.link_card.empty());
  CHECK(no_thumb.layout.link_thumb.empty());
  CHECK(count_pixels(no_thumb.canvas, no_thumb.layout.link_card, is_green) == 0);
  require_nothing_outside_boxes(no_thumb);
  // Each part left out makes the card shorter; with nothing at all there is no card.
  const int whole = no_thumb.layout.link_card.height;
  const int no_description = r.render_post(with_link(text, {kLink.url, kLink.title, "", ""}, std::nullopt)).layout.link_card.height;
  const int host_only = r.render_post(with_link(text, {kLink.url, "", "", ""}, std::nullopt)).layout.link_card.height;
  CHECK(whole > no_description);
  CHECK(no_description > host_only);
  CHECK(host_only > 0);
  CHECK(r.render_post(with_link(text, {"", "", "", kLink.thumb_url}, std::nullopt)).layout.link_card.empty());
  // A URL that is not http(s) names no host: a card with a title only.
  const RenderedPost odd = r.render_post(with_link(text, {"javascript:alert(1)", "Title", "", ""}, std::nullopt));
  CHECK_FALSE(odd.layout.link_card.empty());
  CHECK(odd.layout.link_card.height < no_description);
}

TEST_CASE("a poll with counted votes: a bar and a percentage per option, and the line under it", "[render][card][poll]") {
  auto [width, height] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920});
  CAPTURE(width, height);
  items::MediaPost post = make_post("Which launch should we stream?");
  post.post.poll = poll_of({{"Artemis", 60}, {"Starship", 30}, {"Vega", 10}}, 100, true);
  const RenderedPost card = renderer(width, height).render_post(post);
  const auto& layout = card.layout;
  REQUIRE(layout.poll_rows.size() == 3);
  REQUIRE(layout.poll_bars.size() == 3);
  require_body_parts_apart(card);
  for (std::size_t i = 0; i < 3; ++i) {
    const Rect& row = layout.poll_rows[i];
    const Rect& bar = layout.poll_bars[i];
    CHECK(bar.x == row.x);
    CHECK(bar.width == static_cast<int>(std::lround(row.width * std::array{0.6, 0.3, 0.1}[i])));
    // The percentage at the row's right end.
    CHECK(count_pixels(card.canvas, {row.right() - row.width / 6, row.y, row.width / 6, row.height}, is_dark) > 50);
  }
  // The leading option's bar is the darker one.
  auto inside_bar = [&](std::size_t i) {
    return card.canvas.at(layout.poll_bars[i].x + 2, layout.poll_bars[i].y + layout.poll_bars[i].height / 2);
  };
  CHECK(inside_bar(0) == kTheme.poll_leader);
  CHECK(inside_bar(1) == kTheme.poll_bar);
  REQUIRE_FALSE(layout.poll_summary.empty());
  CHECK(layout.poll_summary.y >= layout.poll_rows.back().bottom());
  CHECK(count_pixels(card.canvas, layout.poll_summary, [](Color c) { return c == kTheme.secondary; }) > 20);
  require_nothing_outside_boxes(card);
}

TEST_CASE("a poll whose votes are not known shows its options only: no bars, no percentages", "[render][card][poll]") {
  items::MediaPost post = make_post("Pick the talks you want recorded");
  post.post.poll = poll_of({{"Rockets", std::nullopt}, {"Orbits", std::nullopt}}, std::nullopt, false);
  const RenderedPost card = renderer().render_post(post);
  const auto& layout = card.layout;
  REQUIRE(layout.poll_rows.size() == 2);
  CHECK(layout.poll_bars.empty());
  CHECK(layout.poll_summary.empty());  // no voters given, not closed: nothing to say
  for (const Rect& row : layout.poll_rows) {
    CHECK(count_pixels(card.canvas, {row.right() - row.width / 3, row.y + 4, row.width / 3 - 4, row.height - 8}, is_dark) == 0);
    CHECK(count_pixels(card.canvas, row, is_dark) > 100);  // the title
    CHECK(count_pixels(card.canvas, row, [](Color c) { return c == kTheme.poll_bar || c == kTheme.poll_leader; }) == 0);
  }
  // One option counted and one not is not a count: options only again.
  post.post.poll = poll_of({{"Rockets", 5}, {"Orbits", std::nullopt}}, 5, false);
  CHECK(renderer().render_post(post).layout.poll_bars.empty());
  require_nothing_outside_boxes(card);
}

TEST_CASE("a poll with more options than fit shows those that do and counts the rest", "[render][card][poll]") {
  items::MediaPost post = make_post("So many choices");
  std::vector<items::PollOption> options;
  for (int i = 0; i < 40; ++i) options.push_back({std::string("Option ").append(std::to_string(i + 1)), i});
  post.post.poll = poll_of(options, 780, false);
  for (auto [width, height] : {std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{320, 180}}) {
    CAPTURE(width, height);
    const RenderedPost card = renderer(width, height).render_post(post);
    CHECK(card.layout.poll_rows.size() < 40);
    require_body_parts_apart(card);
    require_nothing_outside_boxes(card);
    if (!card.layout.poll.empty()) CHECK_FALSE(card.layout.poll_summary.empty());
  }
}

TEST_CASE("custom emoji pictures are drawn where the layout says; a missing one leaves its :shortcode:",
          "[render][card][emoji]") {
  auto [width, height] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920});
  CAPTURE(width, height);
  const RenderedPost card = renderer(width, height).render_post(with_custom_emoji(solid_image(64, 64, kMagenta)));
  const auto& layout = card.layout;
  REQUIRE(layout.emoji.size() == 2);  // two ":blob:"; ":gone:" has no picture
  require_body_parts_apart(card);
  int area = 0;
  for (const Rect& emoji : layout.emoji) {
    CHECK(emoji.width == emoji.height);
    CHECK(emoji.width <= render::largest_inline_image_side(CardMetrics(width, height)));
    CHECK(is_magenta(card.canvas.at(emoji.x + emoji.width / 2, emoji.y + emoji.height / 2)));
    CHECK(count_pixels(card.canvas, emoji.inset(1), is_magenta) == emoji.inset(1).width * emoji.inset(1).height);
    area += emoji.width * emoji.height;
  }
  CHECK(count_pixels(card.canvas, card.canvas.bounds(), is_magenta) <= area);
  CHECK(layout.emoji[0].x < layout.emoji[1].x);
  require_nothing_outside_boxes(card);

  // Without pictures: no magenta, and the shortcodes are drawn as text (more ink).
  const RenderedPost plain = renderer(width, height).render_post(with_custom_emoji(std::nullopt));
  CHECK(plain.layout.emoji.empty());
  CHECK(count_pixels(plain.canvas, plain.canvas.bounds(), is_magenta) == 0);
  CHECK(count_pixels(plain.canvas, plain.layout.text_box, is_dark) > count_pixels(card.canvas, layout.text_box, is_dark));
}

TEST_CASE("everything a Bluesky or Mastodon post adds stays in its box at every size, apart", "[render][card]") {
  items::MediaPost post = with_custom_emoji(solid_image(40, 40, kMagenta));
  post.post.content_warning = "Long thread about launches";
  post.post.referenced.push_back({"quoted", "9", std::string("The quoted post, with words of its own."),
                                  items::Author{"8", "Orbit Daily", "orbit.bsky.social", ""}});
  post = with_link(post, kLink, solid_image(600, 300, kGreen));
  post.post.poll = poll_of({{"Yes", 3}, {"No", 1}}, 4, true);
  add_photo(post, solid_image(800, 450, Color::rgb(0x0000FF)));
  for (auto [width, height] : {std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1080, 1080}, std::pair{320, 180},
                               std::pair{64, 64}, std::pair{2000, 100}, std::pair{100, 2000}}) {
    CAPTURE(width, height);
    CardRenderer& r = renderer(width, height);
    for (bool with_photo : {true, false}) {
      items::MediaPost shown = post;
      if (!with_photo) {
        shown.post.media.clear();
        shown.images.clear();
      }
      const RenderedPost card = r.render_post(shown);
      require_body_parts_apart(card);
      require_nothing_outside_boxes(card);
      // Room for all of them; else the last ones are left out (with photos below a square's text).
      if (width >= 1080 && height >= 1080 && (!with_photo || width > height)) {
        CHECK_FALSE(card.layout.content_warning.empty());
        CHECK_FALSE(card.layout.quote.empty());
        CHECK_FALSE(card.layout.link_card.empty());
        CHECK_FALSE(card.layout.poll.empty());
        // In reading order: warning, text, quote, link, poll.
        CHECK(card.layout.content_warning.bottom() <= card.layout.quote.y);
        CHECK(card.layout.quote.bottom() <= card.layout.link_card.y);
        CHECK(card.layout.link_card.bottom() <= card.layout.poll.y);
      }
      // The text keeps its place before the parts left out: two lines at least, when there is room.
      if (card.layout.quote.empty() && width >= 1080 && height >= 1080) CHECK(card.layout.text_lines >= 2);
    }
  }
}
