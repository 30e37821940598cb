// Referenced posts on cards (stages/render/post_card, card_renderer): labels, quotes, reposts
// drawn as their originals, unavailable quotes, names with bidi controls.
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

TEST_CASE("a quote is labelled above the header", "[render][card]") {
  items::MediaPost post = make_post("Look at this");
  // Built whole: assigning "quoted" to its type member trips GCC 12's false -Wrestrict at -O3.
  post.post.referenced.push_back({"quoted", "1", std::nullopt, items::Author{"7", "ESA", "esa", ""}});
  CHECK(render::reference_label(post.post) == "Quoting @esa");

  const RenderedPost card = renderer().render_post(post);
  REQUIRE_FALSE(card.layout.label.empty());
  CHECK(card.layout.label.bottom() <= card.layout.header.y);
  CHECK(count_pixels(card.canvas, card.layout.label, is_dark) > 100);
  require_nothing_outside_boxes(card);
}

TEST_CASE("replies and reposts without their original are labelled by what they refer to", "[render][card]") {
  items::Post reply;
  reply.referenced.push_back({"replied_to", "2", std::nullopt, std::nullopt});
  CHECK(render::reference_label(reply) == "Replying to a post");
  items::Post repost;
  repost.referenced.push_back(
      {"retweeted", "3", std::nullopt, items::Author{"8", "JAXA", "jaxa", ""}});
  CHECK(render::reference_label(repost) == "Reposted from @jaxa");
}

TEST_CASE("a quoted post is a nested card under the text", "[render][card][quote]") {
  auto [width, height] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1080, 1080});
  const bool with_photo = GENERATE(false, true);
  CAPTURE(width, height, with_photo);
  items::MediaPost post = make_post("Worth reading:");
  // Built whole: assigning "quoted" to its type member trips GCC 12's false -Wrestrict at -O3.
  post.post.referenced.push_back(
      {"quoted", "1", std::string("The quoted post's own words, long enough to need a second line on a narrow card."),
       items::Author{"7", "European Space Agency", "esa", ""}});
  if (with_photo) add_photo(post, solid_image(800, 600, Color::rgb(0xFF0000)));
  const RenderedPost card = renderer(width, height).render_post(post);
  const auto& layout = card.layout;
  REQUIRE_FALSE(layout.quote.empty());
  require_inside(layout.quote, layout.text_box);
  CHECK_FALSE(layout.quote.intersects(layout.photo_area));
  // Its border, in the border colour, and its text inside.
  const int mid = layout.quote.y + layout.quote.height / 2;
  CHECK(card.canvas.at(layout.quote.x, mid) == kTheme.border);
  CHECK(count_pixels(card.canvas, layout.quote.inset(CardMetrics(width, height).quote_padding), is_dark) > 500);
  require_nothing_outside_boxes(card);
}

TEST_CASE("a repost's label names who reposted it, and says 'Reposted from' no more", "[render][card][repost]") {
  items::MediaPost media = make_repost();
  CHECK(render::reposter_line(media.post) == "\u2068Ada Lovelace\u2069 reposted");
  CHECK(render::reference_label(media.post) == "\u2068Ada Lovelace\u2069 reposted");
  // The original's own references still show.
  media.post.referenced.push_back({"quoted", "5", std::nullopt, items::Author{"8", "ESA", "esa", ""}});
  CHECK(render::reference_label(media.post) == "\u2068Ada Lovelace\u2069 reposted \u00B7 Quoting @esa");
  // Without a display name, the username; without either, a plain word.
  media.post.repost->by.name.clear();
  CHECK(render::reposter_line(media.post) == "@ada reposted");
  media.post.repost->by.username.clear();
  CHECK(render::reposter_line(media.post) == "Reposted");
  // A repost whose original the source did not have is labelled as before.
  items::Post unresolved;
  unresolved.referenced.push_back({"retweeted", "3", std::nullopt, items::Author{"8", "JAXA", "jaxa", ""}});
  CHECK(render::reposter_line(unresolved).empty());
  CHECK(render::reference_label(unresolved) == "Reposted from @jaxa");
}

TEST_CASE("a repost is drawn as the original: its author and time under the repost line", "[render][card][repost]") {
  auto [width, height] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920});
  CAPTURE(width, height);
  const items::MediaPost repost = make_repost();
  const RenderedPost card = renderer(width, height).render_post(repost);
  const auto& layout = card.layout;
  REQUIRE_FALSE(layout.label.empty());
  REQUIRE_FALSE(layout.repost_icon.empty());
  require_inside(layout.repost_icon, layout.label);
  CHECK(layout.label.bottom() <= layout.header.y);
  // The arrows and the words are in the secondary colour.
  CHECK(count_pixels(card.canvas, layout.repost_icon, [](Color c) { return c == kTheme.secondary; }) > 20);
  CHECK(count_pixels(card.canvas, layout.label, [](Color c) { return c == kTheme.secondary; }) > 100);
  CHECK_FALSE(layout.footer.empty());  // the original's counts
  require_nothing_outside_boxes(card);

  // The header is the one the original post itself would have: its author, its time.
  items::MediaPost original = repost;
  original.post.repost.reset();
  original.post.referenced.clear();
  original.post.created_at = repost.post.repost->original_created_at;
  const RenderedPost plain = renderer(width, height).render_post(original);
  REQUIRE(plain.layout.header.width == layout.header.width);
  CHECK(same_pixels(card.canvas, layout.header.x, layout.header.y, plain.canvas, plain.layout.header.x,
                    plain.layout.header.y, layout.header.width, layout.header.height));
  // ... and not the repost's own time.
  original.post.created_at = repost.post.created_at;
  const RenderedPost own_time = renderer(width, height).render_post(original);
  CHECK_FALSE(same_pixels(card.canvas, layout.header.x, layout.header.y, own_time.canvas,
                          own_time.layout.header.x, own_time.layout.header.y, layout.header.width,
                          layout.header.height));
}

TEST_CASE("a quote whose post is unavailable is a box saying so, under its label", "[render][card][quote]") {
  auto [width, height] = GENERATE(std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1080, 1080});
  const bool with_photo = GENERATE(false, true);
  CAPTURE(width, height, with_photo);
  items::MediaPost post = make_post("Quoting a post that has since been deleted.");
  post.post.referenced.push_back({"quoted", "1", std::nullopt, std::nullopt});
  if (with_photo) add_photo(post, solid_image(800, 600, Color::rgb(0xFF0000)));
  CHECK(render::reference_label(post.post) == "Quoting a post");
  const RenderedPost card = renderer(width, height).render_post(post);
  const auto& layout = card.layout;
  REQUIRE_FALSE(layout.label.empty());
  REQUIRE_FALSE(layout.quote.empty());
  CHECK(layout.quote_unavailable);
  require_inside(layout.quote, layout.text_box);
  CHECK_FALSE(layout.quote.intersects(layout.photo_area));
  // A border, the placeholder colour inside, and one line of secondary text: no more than a
  // line tall.
  const CardMetrics metrics(width, height);
  const int mid = layout.quote.y + layout.quote.height / 2;
  CHECK(card.canvas.at(layout.quote.x, mid) == kTheme.border);
  CHECK(card.canvas.at(layout.quote.x + metrics.quote_padding / 2, mid) == kTheme.placeholder);
  CHECK(count_pixels(card.canvas, layout.quote, [](Color c) { return c == kTheme.secondary; }) > 50);
  CHECK(layout.quote.height < 3 * metrics.quote_name_size + 2 * metrics.quote_padding);
  require_nothing_outside_boxes(card);

  // A quote with text or an author is still the nested card.
  post.post.referenced[0].author = items::Author{"7", "ESA", "esa", ""};
  CHECK_FALSE(renderer(width, height).render_post(post).layout.quote_unavailable);
}

TEST_CASE("names with bidi overrides stay inside their own boxes on cards", "[render][bidi][card]") {
  items::MediaPost media = make_repost();
  media.post.author.name = "Mallory \u2067\u202Eyrollam";
  media.post.repost->by.name = "\u202Edlrow olleh";
  media.post.referenced.push_back(
      {"quoted", "9", std::string("Quoted words"), items::Author{"9", "\u2069\u202BNoor", "noor", ""}});
  const RenderedPost card = renderer().render_post(media);
  REQUIRE_FALSE(card.layout.quote.empty());
  require_nothing_outside_boxes(card);
  // The label's words start right after the arrows, on the left ("hello world reposted ·
  // Quoting @noor"), whatever the name holds.
  const Rect after_icon{card.layout.repost_icon.right(), card.layout.label.y, 200, card.layout.label.height};
  CHECK(count_pixels(card.canvas, after_icon, [](Color c) { return c == kTheme.secondary; }) > 20);
  const auto title = renderer().render_title({"mallory", "\u202Eyrollam", "2026-11-24", 2, 1});
  CHECK(count_pixels(title.canvas, title.layout.name, [](Color c) { return c != kTheme.card; }) > 200);
}

TEST_CASE("a repost quoting an unavailable post keeps everything in its box at any size", "[render][card][repost]") {
  auto [width, height] =
      GENERATE(std::pair{64, 64}, std::pair{320, 180}, std::pair{2000, 100}, std::pair{100, 2000}, std::pair{1920, 1080});
  CAPTURE(width, height);
  CardRenderer r(width, height, "UTC");
  items::MediaPost post = make_repost();
  post.post.referenced.push_back({"quoted", "9", std::nullopt, std::nullopt});
  add_photo(post, solid_image(300, 200, Color::rgb(0x0000FF)));
  const RenderedPost card = r.render_post(post);
  require_nothing_outside_boxes(card);
  if (!card.layout.repost_icon.empty()) require_inside(card.layout.repost_icon, card.layout.label);
  if (!card.layout.quote.empty()) require_inside(card.layout.quote, card.layout.text_box);
  CHECK(card.layout.quote_unavailable);
}
