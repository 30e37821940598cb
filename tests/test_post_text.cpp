// A card's text (stages/render/post_text): names isolated for bidi, and what that does to a line.
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

// A post with a t.co link that the API's entities give a display URL.
items::MediaPost post_with_link() {
  items::MediaPost post = make_post("Launch at 14:02 #Artemis with @nasa $RKLB https://t.co/AbCdEf123");
  items::Entity link;
  link.kind = items::EntityKind::url;
  link.start = static_cast<int>(post.post.text.find("https"));  // ASCII: bytes are code points
  link.end = static_cast<int>(post.post.text.size());
  link.text = "https://t.co/AbCdEf123";
  link.display_url = "nasa.gov/artemis";
  post.post.entities.push_back(link);
  return post;
}

}  // namespace

TEST_CASE("with entities from the API, only those are highlighted; t.co links show their display URL",
          "[render][entities]") {
  items::MediaPost post = post_with_link();
  const render::StyledText styled = render::card_text(post.post);
  CHECK(styled.text.find("t.co") == std::string::npos);
  CHECK(styled.text.find("nasa.gov/artemis") != std::string::npos);
  REQUIRE(styled.inks.size() == 1);
  CHECK(styled.text.substr(styled.inks[0].begin, styled.inks[0].end - styled.inks[0].begin) == "nasa.gov/artemis");
}

TEST_CASE("without entities from the API, twitter-text's rules find hashtags, mentions, cashtags and links",
          "[render][entities]") {
  items::MediaPost post = post_with_link();
  post.post.entities.clear();
  const render::StyledText found = render::card_text(post.post);
  std::vector<std::string> highlighted;
  for (const auto& ink : found.inks) highlighted.push_back(found.text.substr(ink.begin, ink.end - ink.begin));
  CHECK(highlighted == std::vector<std::string>{"#Artemis", "@nasa", "$RKLB", "https://t.co/AbCdEf123"});
}

TEST_CASE("isolated_name closes what a name opens and drops what it did not", "[render][bidi]") {
  using render::isolated_name;
  CHECK(isolated_name("Ada") == "\u2068Ada\u2069");
  CHECK(isolated_name("") == "\u2068\u2069");
  // Overrides and embeddings are left to the isolate's end (UAX #9 X6a).
  CHECK(isolated_name("\u202Eevil") == "\u2068\u202Eevil\u2069");
  // An isolate the name opened is closed before ours; a stray PDI would end ours early.
  CHECK(isolated_name("a\u2067b\u2066c") == "\u2068a\u2067b\u2066c\u2069\u2069\u2069");
  CHECK(isolated_name("\u2069a\u2068b\u2069\u2069") == "\u2068a\u2068b\u2069\u2069");
  // One line: line and paragraph breaks become spaces.
  CHECK(isolated_name("a\nb\u2029c\rd") == "\u2068a b c d\u2069");
  // Malformed UTF-8 is kept for the layout to show as U+FFFD.
  CHECK(isolated_name("a\xFF") == "\u2068a\xFF\u2069");
}

TEST_CASE("caption_name drops every bidi control and keeps a name on one line", "[render][bidi]") {
  using render::caption_name;
  CHECK(caption_name("\u202Edlrow olleh") == "dlrow olleh");
  CHECK(caption_name("\u200FNoor\u200E \u2067x\u2069\u202A\u202B\u202C\u202D\u2066\u2068\u061C") == "Noor x");
  CHECK(caption_name("two\nlines") == "two lines");
  CHECK(caption_name("Élodie 🎉") == "Élodie 🎉");
}

TEST_CASE("a name's bidi controls reorder nothing outside the name, and draw nothing", "[render][bidi]") {
  render::TextLayouter layouter(fonts());
  render::TextStyle style;
  style.max_lines = 1;
  style.align = render::Align::left;
  auto layout = [&](const std::string& text) { return layouter.layout(text, 1800, 100, style); };
  // U+202E shows "dlrow olleh" as "hello world"; " reposted" stays as it is, after it.
  const auto isolated = layout(render::isolated_name("\u202Edlrow olleh") + " reposted");
  CHECK(visible_glyphs(isolated) == visible_glyphs(layout("hello world reposted")));
  // Without the isolate the override would turn the whole line around.
  CHECK(visible_glyphs(layout("\u202Edlrow olleh reposted")) == visible_glyphs(layout("detsoper hello world")));
  // An isolate left open and a stray PDI, in one line with the name between others.
  CHECK(visible_glyphs(layout("by " + render::isolated_name("\u2067\u202Eab\u2069\u2069cd") + " ok")) ==
        visible_glyphs(layout("by ba" + std::string("cd") + " ok")));
  // Right-to-left names keep their place before a left-to-right word.
  const auto arabic = layout(render::isolated_name("\u0646\u0648\u0631") + " reposted");
  REQUIRE_FALSE(arabic.lines.empty());
  CHECK_FALSE(arabic.lines[0].rtl);

  // The controls are invisible and take no room: the pixels are those of the name alone.
  const auto plain = layout("Ada reposted");
  const auto wrapped = layout(render::isolated_name("\u200E\u2066Ada\u2069\u200F") + " reposted");
  CHECK(wrapped.width == Approx(plain.width));
  Canvas a(900, 100, kTheme.card), b(900, 100, kTheme.card);
  render::TextRaster raster;
  raster.draw(a, plain, 0, 0, kTheme.text, a.bounds());
  raster.draw(b, wrapped, 0, 0, kTheme.text, b.bounds());
  CHECK(a.rgba() == b.rgba());
}

namespace {

// A Mastodon-style post: ":wave: hello :wave: and :gone:" with custom emoji entities (code
// points: ASCII), the pictures of "wave" in `emoji`, none of "gone".
items::Post post_with_custom_emoji() {
  items::Post post;
  post.text = ":wave: hello :wave: and :gone: #tag";
  auto add = [&post](std::string shortcode, std::string url) {
    const std::string shown = std::string(":").append(shortcode).append(":");
    for (std::size_t at = post.text.find(shown); at != std::string::npos; at = post.text.find(shown, at + 1)) {
      items::Entity e;
      e.kind = items::EntityKind::custom_emoji;
      e.start = static_cast<int>(at);
      e.end = static_cast<int>(at + shown.size());
      e.text = shortcode;
      e.image_url = url;
      post.entities.push_back(e);
    }
  };
  add("wave", "https://mastodon.example/emoji/wave.png");
  add("gone", "https://mastodon.example/emoji/gone.png");
  items::Entity tag;
  tag.start = static_cast<int>(post.text.find('#'));
  tag.end = tag.start + 4;
  tag.text = "tag";
  post.entities.push_back(tag);
  std::sort(post.entities.begin(), post.entities.end(), [](auto& a, auto& b) { return a.start < b.start; });
  return post;
}

}  // namespace

TEST_CASE("custom emoji with a picture become inline pictures; without one they keep their :shortcode:",
          "[render][entities][emoji]") {
  const items::Post post = post_with_custom_emoji();
  std::map<std::string, items::Image> emoji;
  emoji.emplace("https://mastodon.example/emoji/wave.png", solid_image(16, 16, Color::rgb(0x00FF00)));
  const render::StyledText styled = render::card_text(post, emoji);
  // Both ":wave:" are one U+FFFC each, sharing one picture; ":gone:" stays as text.
  REQUIRE(styled.objects.size() == 2);
  REQUIRE(styled.pictures.size() == 1);
  CHECK(styled.pictures[0] == &emoji.begin()->second);
  for (const auto& object : styled.objects) {
    CHECK(styled.text.substr(object.at, 3) == "\uFFFC");
    CHECK(object.index == 0);
  }
  CHECK(styled.text.find(":wave:") == std::string::npos);
  CHECK(styled.text.find(":gone:") != std::string::npos);
  // The shortcode left as text is in the text colour; the hashtag alone is highlighted.
  REQUIRE(styled.inks.size() == 1);
  CHECK(styled.text.substr(styled.inks[0].begin, styled.inks[0].end - styled.inks[0].begin) == "#tag");

  // Without pictures (none loaded, or a picture of no pixels) every shortcode is text.
  std::map<std::string, items::Image> broken;
  broken.emplace("https://mastodon.example/emoji/wave.png", items::Image{16, 16, {}});
  for (const render::StyledText& plain : {render::card_text(post, broken), render::card_text(post)}) {
    CHECK(plain.objects.empty());
    CHECK(plain.pictures.empty());
    CHECK(plain.text.find(":wave:") != std::string::npos);
  }
}

TEST_CASE("a link card names its site by the link's host", "[render][link]") {
  using render::link_host;
  CHECK(link_host("https://www.Example.com/a/b?c=1#d") == "example.com");
  CHECK(link_host("http://news.example.org:8080") == "news.example.org");
  // The path is not shown, so what it holds does not matter.
  CHECK(link_host("https://example.com/caf\u00E9 menu?q=\u00FC") == "example.com");
  CHECK(link_host("") == "");
  CHECK(link_host("example.com/no-scheme") == "");
  CHECK(link_host("ftp://example.com/file") == "");
  CHECK(link_host("javascript://alert(1)") == "");
  CHECK(link_host("https://user:secret@example.com/") == "");
}

TEST_CASE("a field of a few lines is cut far beyond what it can show, whole code points, with an ellipsis",
          "[render][hostile]") {
  using render::shortened;
  CHECK(shortened("short") == "short");
  CHECK(shortened("", 3).empty());
  CHECK(shortened("abcd", 4) == "abcd");
  CHECK(shortened("abcde", 4) == "abcd\u2026");
  // Code points, not bytes: "é" and "😀" are one each.
  CHECK(shortened("\u00E9\U0001F600\u00E9\U0001F600", 2) == "\u00E9\U0001F600\u2026");
  // A malformed byte counts as one and is left for the layout to replace.
  CHECK(shortened("a\xFF" "bc", 2) == "a\xFF\u2026");
  std::string long_text;
  for (int i = 0; i < 50000; ++i) long_text += "\u05D0";
  CHECK(shortened(long_text) == long_text.substr(0, 2000) + "\u2026");
}
