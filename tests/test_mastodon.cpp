// The Mastodon source: HTML content to text and entities (every rule, hostile markup), the Link
// header, the statuses parser on our fixtures and on the real answers of the shared reference
// (read where they lie), the stored layout, and the live client against a loopback server that
// serves the fixtures with the headers and refusals a Mastodon instance sends. Whole runs of
// pipectl: test_mastodon_runs.cpp.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>

#include "day_window.hpp"
#include "html_text.hpp"
#include "json_reader.hpp"
#include "link_header.hpp"
#include "mastodon_source.hpp"
#include "mastodon_statuses.hpp"
#include "select_day.hpp"
#include "support/loopback_server.hpp"
#include "support/paths.hpp"
#include "support/skip.hpp"
#include "x_api_source.hpp"

#include <boost/json.hpp>

using namespace pipectl;
using namespace pipectl::fetch;
namespace fs = std::filesystem;
using items::EntityKind;

namespace {

fs::path fixtures() { return test::source_dir() / "tests" / "fixtures" / "mastodon"; }
fs::path reference() {
  const fs::path shared = test::shared_dir();
  return shared.empty() ? fs::path() : shared / "reference" / "mastodon";
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Code points [start, end) of UTF-8 `text`.
std::string slice(const std::string& text, int start, int end) {
  std::string result;
  int index = -1;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++index;
    if (index >= start && index < end) result += c;
  }
  return result;
}

// Every entity's range holds what it stands for: "@user", "#tag", the link, ":shortcode:".
void check_ranges(const std::string& text, const std::vector<items::Entity>& entities) {
  int previous_end = 0;
  for (const auto& entity : entities) {
    INFO("entity '" << entity.text << "' at " << entity.start << ".." << entity.end << " of: " << text);
    CHECK(entity.start >= previous_end);
    previous_end = entity.end;
    const std::string written = slice(text, entity.start, entity.end);
    switch (entity.kind) {
      case EntityKind::mention: CHECK(written == "@" + entity.text); break;
      case EntityKind::hashtag: CHECK(written == "#" + entity.text); break;
      case EntityKind::url: CHECK(written == entity.text); break;
      case EntityKind::custom_emoji: CHECK(written == ":" + entity.text + ":"); break;
      case EntityKind::cashtag: FAIL("Mastodon has no cashtags"); break;
    }
  }
}

HtmlText html(std::string_view markup, bool drop_quote_inline = false) {
  HtmlText read = html_to_text(markup, HtmlTextOptions{drop_quote_inline});
  check_ranges(read.text, read.entities);
  return read;
}

// The post of `created_at` ("2026-11-24T07:05:12Z").
const items::Post& post_at(const std::vector<items::Post>& posts, const std::string& created_at) {
  for (const auto& post : posts) {
    if (created_at == api_time_text(post.created_at)) return post;
  }
  FAIL("no post at " << created_at);
  throw std::logic_error("unreachable");
}

bool any_contains(const std::vector<std::string>& messages, const std::string& text) {
  for (const auto& message : messages)
    if (message.find(text) != std::string::npos) return true;
  return false;
}

struct Warnings {
  std::vector<std::string> kinds, messages;
  Warn warn() {
    return [this](const std::string& kind, const std::string& message) {
      kinds.push_back(kind);
      messages.push_back(message);
    };
  }
};

}  // namespace

// ------------------------------------------------------------------------------------------
// HTML content

TEST_CASE("html: paragraphs are set apart by a blank line, <br> breaks a line, white space collapses") {
  CHECK(html("<p>one<br>two</p><p>three</p>").text == "one\ntwo\n\nthree");
  CHECK(html("<p>  lots \n\t of   space  </p>").text == "lots of space");
  CHECK(html("<p>a<br><br>b</p>").text == "a\n\nb");
  CHECK(html("<p>a<br></p><p>b</p>").text == "a\n\nb");
  CHECK(html("<p></p><p>  </p><p>only</p><p></p>").text == "only");  // no blank lines at the ends
  CHECK(html("<br><br><p>x</p><br>").text == "x");
  CHECK(html("plain text, no tags").text == "plain text, no tags");
  CHECK(html("").text.empty());
  CHECK(html("<ul><li>one</li><li>two</li></ul><blockquote>said</blockquote>tail").text == "one\ntwo\n\nsaid\n\ntail");
  CHECK(html("<pre>  x  = 1\n  y\t= 2</pre><p>after</p>").text == "  x  = 1\n  y\t= 2\n\nafter");
}

TEST_CASE("html: character references are decoded") {
  CHECK(html("<p>&quot;a&quot; &amp; &lt;b&gt; &#39;c&#39; &#x1F30A; &#233;</p>").text == "\"a\" & <b> 'c' \U0001F30A \u00E9");
  CHECK(html("<p>a&nbsp;&nbsp;b</p>").text == "a\u00A0\u00A0b");  // not white space that collapses
  CHECK(html("<p>&amp;amp; &unknown;</p>").text == "&amp; &unknown;");
}

TEST_CASE("html: mentions and hashtags in Mastodon's markup become entities") {
  auto read = html("<p><span class=\"h-card\" translate=\"no\"><a href=\"https://social.example/@juno\" "
                   "class=\"u-url mention\">@<span>juno</span></a></span> and <span class=\"h-card\"><a "
                   "href=\"https://coast.example/@kelp\" class=\"u-url mention\">@<span>kelp</span></a></span>: "
                   "<a href=\"https://social.example/tags/tidepools\" class=\"mention hashtag\" "
                   "rel=\"tag\">#<span>TidePools</span></a> caf\u00E9 \U0001F30A <a href=\"https://social.example/tags/x\" "
                   "rel=\"nofollow noopener tag\">#<span>x</span></a></p>");
  CHECK(read.text == "@juno and @kelp: #TidePools caf\u00E9 \U0001F30A #x");
  REQUIRE(read.entities.size() == 4);
  CHECK(read.entities[0].kind == EntityKind::mention);
  CHECK(read.entities[0].text == "juno");
  CHECK(read.entities[1].kind == EntityKind::mention);
  CHECK(read.entities[1].text == "kelp");
  CHECK(read.entities[2].kind == EntityKind::hashtag);
  CHECK(read.entities[2].text == "TidePools");
  CHECK(read.entities[3].kind == EntityKind::hashtag);
  CHECK(read.entities[3].start == 35);  // code points: é and the wave are one each
}

TEST_CASE("html: links show their visible part, with an ellipsis where Mastodon cut them") {
  const std::string guardian = "https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000";
  auto read = html("<p>Read: <a href=\"" + guardian + "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">"
                   "<span class=\"invisible\">https://www.</span><span class=\"ellipsis\">theguardian.com/money/2019/dec"
                   "</span><span class=\"invisible\">/07/i-lost-my-193000</span></a> now</p>");
  CHECK(read.text == "Read: " + guardian + " now");
  REQUIRE(read.entities.size() == 1);
  CHECK(read.entities[0].kind == EntityKind::url);
  CHECK(read.entities[0].text == guardian);
  CHECK(read.entities[0].display_url == "theguardian.com/money/2019/dec\u2026");

  // A short link: the scheme hidden, nothing cut.
  auto short_link = html("<a href=\"https://zeonfederated.com\" rel=\"me nofollow noopener noreferrer\" target=\"_blank\">"
                         "<span class=\"invisible\">https://</span><span class=\"\">zeonfederated.com</span>"
                         "<span class=\"invisible\"></span></a>");
  REQUIRE(short_link.entities.size() == 1);
  CHECK(short_link.entities[0].display_url == "zeonfederated.com");

  // A link whose words are its own: they are what it shows.
  auto worded = html("<p>see <a href=\"HTTPS://Example.com/a?b=1&amp;c=2\">the  <b>notes</b> </a>, please</p>");
  CHECK(worded.text == "see HTTPS://Example.com/a?b=1&c=2 , please");
  REQUIRE(worded.entities.size() == 1);
  CHECK(worded.entities[0].text == "HTTPS://Example.com/a?b=1&c=2");
  CHECK(worded.entities[0].display_url == "the notes");

  // Kept without its entities (a quoted status's text), the text shows what Mastodon shows.
  CHECK(shown_text(read) == "Read: theguardian.com/money/2019/dec\u2026 now");
  CHECK(shown_text(worded) == "see the notes , please");
  CHECK(shown_text(html("<p>caf\u00e9 \U0001F30A <a href=\"https://e.example/x\">e.example/x</a>!</p>")) ==
        "caf\u00e9 \U0001F30A e.example/x!");
}

TEST_CASE("html: links that are not http(s), empty or nested are only their text") {
  auto read = html("<p><a href=\"mailto:ada@example.com\">write</a> <a href=\"javascript:alert(1)\">click</a> "
                   "<a>no href</a> <a href=\"https://e.example/\"><span class=\"invisible\">all hidden</span></a>.</p>");
  CHECK(read.text == "write click no href .");
  CHECK(read.entities.empty());
  // HTML closes a link where the next one opens.
  auto nested = html("<a href=\"https://a.example/\">outer <a href=\"https://b.example/\">inner</a></a>");
  CHECK(nested.text == "https://a.example/ https://b.example/");
  REQUIRE(nested.entities.size() == 2);
  CHECK(nested.entities[0].display_url == "outer");
  CHECK(nested.entities[1].display_url == "inner");
  // A mention whose text lost its '@' is still a link.
  auto odd = html("<a href=\"https://social.example/@juno\" class=\"u-url mention\">juno</a>");
  REQUIRE(odd.entities.size() == 1);
  CHECK(odd.entities[0].kind == EntityKind::url);
  CHECK(odd.entities[0].display_url == "juno");
}

TEST_CASE("html: scripts, styles, pictures, frames and forms are dropped with their content") {
  auto read = html("<p>Clear<script>alert('no')</script><style>p { color: red }</style> skies "
                   "<img src=\"x\" onerror=\"alert(1)\"><iframe src=\"https://evil.example/\">framed</iframe>"
                   "<svg><text>drawn</text></svg><textarea>typed</textarea><select><option>opt</option></select>"
                   "<template>later</template><noscript>fallback</noscript><object>obj</object>"
                   "<marquee>moving</marquee> <foo-bar>custom</foo-bar> <b>bold</b> <!-- a comment --> <?pi x?>end</p>");
  CHECK(read.text == "Clear skies moving custom bold end");
  CHECK(read.entities.empty());
  // A whole document, head and all.
  CHECK(html("<!DOCTYPE html><html><head><title>T</title><meta charset=\"latin1\"></head><body><p>body \u00E9</p></body></html>").text ==
        "body \u00E9");
}

TEST_CASE("html: the quote-inline paragraph is dropped only when the quote is shown") {
  const std::string markup = "<p class=\"quote-inline\">RE: <a href=\"https://shore.example/@pebble/1\">"
                             "shore.example/@pebble/1</a></p><p>Best use of a windowsill.</p>";
  CHECK(html(markup, true).text == "Best use of a windowsill.");
  CHECK(html(markup, true).entities.empty());
  CHECK(html(markup, false).text == "RE: https://shore.example/@pebble/1\n\nBest use of a windowsill.");
}

TEST_CASE("html: broken bytes, NULs and broken markup cost nothing but themselves") {
  CHECK(html(std::string("<p>caf\xC3\xA9 \xFF\xFE x\0y</p>", 19)).text == "caf\u00E9 \uFFFD\uFFFD x\uFFFDy");
  CHECK(html("<p>unclosed <b>bold <i>both").text == "unclosed bold both");
  CHECK(html("</p></div>stray closers</span>").text == "stray closers");
  CHECK(html("<p a=\"unterminated>text").text.find("text") == std::string::npos);  // all inside the attribute
}

TEST_CASE("html: nesting deeper than libxml2's default limit, and thousands of unclosed links") {
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<span>";
  deep += "deep";
  CHECK(html(deep).text == "deep");
  std::string links;
  for (int i = 0; i < 2000; ++i) links += "<a href=\"https://e.example/" + std::to_string(i) + "\">" + std::to_string(i);
  auto many = html(links);
  CHECK(many.entities.size() == 2000);
}

TEST_CASE("html: past max_html_bytes the rest is not read, and the cut says so") {
  std::string big = "<p>";
  while (big.size() < max_html_bytes + 100) big += "w\u00E9 ";
  auto read = html(big);
  CHECK(read.cut);
  CHECK(read.text.size() < max_html_bytes);
  CHECK(read.text.size() > max_html_bytes / 2);
  CHECK(read.text.find("\uFFFD") == std::string::npos);  // cut between characters
  CHECK_FALSE(html("<p>small</p>").cut);
}

// ------------------------------------------------------------------------------------------
// The Link header

TEST_CASE("Link header: Mastodon's next and prev, as a 4.6 server sends them") {
  const std::string header =
      "<http://localhost:3000/api/v1/accounts/117020565966271181/statuses?limit=5&max_id=117020580489281910>; rel=\"next\", "
      "<http://localhost:3000/api/v1/accounts/117020565966271181/statuses?limit=5&min_id=117020580518794573>; rel=\"prev\"";
  auto links = parse_link_header(header);
  REQUIRE(links.size() == 2);
  CHECK(links[0].relations() == std::vector<std::string>{"next"});
  CHECK(link_target(header, "next") ==
        "http://localhost:3000/api/v1/accounts/117020565966271181/statuses?limit=5&max_id=117020580489281910");
  CHECK(link_target(header, "PREV") ==
        "http://localhost:3000/api/v1/accounts/117020565966271181/statuses?limit=5&min_id=117020580518794573");
  CHECK_FALSE(link_target(header, "last"));
}

TEST_CASE("Link header: RFC 8288's syntax, and what cannot be read is skipped") {
  // Commas inside <...> and quoted strings, unquoted values, several relation types, case.
  const std::string header = "<https://a.example/x?a=1,2>; title=\"a, b; c\"; REL=\"Prev  NEXT\", <https://b.example/>;rel=last";
  CHECK(link_target(header, "next") == "https://a.example/x?a=1,2");
  CHECK(link_target(header, "last") == "https://b.example/");
  auto links = parse_link_header(header);
  REQUIRE(links.size() == 2);
  CHECK(links[0].params[0] == std::pair<std::string, std::string>{"title", "a, b; c"});
  // Only the first rel counts.
  CHECK_FALSE(link_target("<https://a.example/>; rel=prev; rel=next", "next"));
  // Garbage before a good value, a value without <>, junk after the target, escapes.
  CHECK(link_target("garbage, \"quoted, comma\", <https://c.example/>; rel=\"ne\\xt\"", "next") == "https://c.example/");
  CHECK(link_target("<https://d.example/> junk; rel=next, <https://e.example/>; rel=next", "next") == "https://e.example/");
  CHECK(parse_link_header("").empty());
  CHECK(parse_link_header(" , ,, ").empty());
  CHECK_FALSE(link_target("<https://unclosed.example/; rel=next", "next"));
  CHECK(link_target("<https://f.example/>; rel=\"unterminated next", "next") == "https://f.example/");
  CHECK(link_target("<>; rel=next", "next") == "");
}

// ------------------------------------------------------------------------------------------
// Statuses: our fixtures (every feature), read through the stored layout

namespace {

// The file:// prefix of the fixtures' pictures.
std::string fixture_media() { return "file://" + fs::weakly_canonical(fixtures() / "media").string() + "/"; }

// maren@social.example's day of 2026-11-24 in UTC, read once from the stored fixtures.
const std::vector<items::Post>& maren_day() {
  static const std::vector<items::Post> day =
      select_day(read_stored_mastodon(fixtures(), "maren@social.example", Warn{}).posts, day_window("2026-11-24", "UTC"));
  return day;
}

}  // namespace

TEST_CASE("fixtures: three pages read cleanly, the account's address made whole") {
  Warnings warnings;
  StoredDay stored = read_stored_mastodon(fixtures(), "maren@social.example", warnings.warn());
  for (const auto& message : warnings.messages) WARN(message);
  CHECK(warnings.messages.empty());
  CHECK(stored.user.id == "109348000000000001");
  CHECK(stored.user.name == "Maren Okafor");
  CHECK(stored.user.username == "maren@social.example");  // acct "maren" is local
  CHECK(stored.user.avatar_url == fixture_media() + "avatar-32.png");
  CHECK(stored.posts.size() == 13);  // three pages, the days before and after included
  const auto& day = maren_day();
  REQUIRE(day.size() == 11);
  for (const auto& post : day) {
    INFO("status " << post.id);
    check_ranges(post.text, post.entities);
    CHECK(post.author.avatar_url.starts_with("file://"));
  }
}

TEST_CASE("fixtures: paragraphs, a line break, a mention and a hashtag; the counts") {
  const auto& first = post_at(maren_day(), "2026-11-24T07:05:12Z");
  CHECK(first.id == "117670144399441920");
  CHECK(first.text == "Morning tide report from the north jetty.\nLow water at 07:42, high at 13:58.\n\n"
                      "Thanks @juno for the readings! #TidePools");
  REQUIRE(first.entities.size() == 2);
  CHECK(first.entities[0].kind == EntityKind::mention);
  CHECK(first.entities[0].text == "juno");
  CHECK(first.entities[1].kind == EntityKind::hashtag);
  CHECK(first.entities[1].text == "TidePools");
  CHECK(first.metrics.replies == 2);
  CHECK(first.metrics.reposts == 3);
  CHECK(first.metrics.likes == 11);
  CHECK(first.lang == "en");
  CHECK(first.author.username == "maren@social.example");
  CHECK(first.content_warning.empty());
  CHECK_FALSE(first.repost);
}

TEST_CASE("fixtures: a long link shows Mastodon's visible part; its preview card") {
  const std::string media = fixture_media();
  const auto& link = post_at(maren_day(), "2026-11-24T08:30:00Z");
  const std::string guide = "https://www.example.com/field-guides/anemones/2026/beadlet-and-snakelocks-identification";
  CHECK(link.text == "A field guide to our two common anemones: " + guide);
  REQUIRE(link.entities.size() == 1);
  CHECK(link.entities[0].display_url == "example.com/field-guides/anemo\u2026");
  REQUIRE(link.link);
  CHECK(link.link->url == guide);
  CHECK(link.link->title == "Beadlet and snakelocks: telling them apart");
  CHECK(link.link->description == "Colour, tentacles and where they sit on the rock.");
  CHECK(link.link->thumb_url == media + "sunrise-64x36.png");
}

TEST_CASE("fixtures: a content warning over two pictures with descriptions") {
  const std::string media = fixture_media();
  const auto& warned = post_at(maren_day(), "2026-11-24T09:45:00Z");
  CHECK(warned.content_warning == "Stranded jellyfish (photos)");
  CHECK(warned.text == "Found on the strand line this morning, still moving.");
  REQUIRE(warned.media.size() == 2);
  CHECK(warned.media[0].type == "photo");
  CHECK(warned.media[0].key == "109348000000001001");
  CHECK(warned.media[0].url == media + "sunrise-64x36.png");
  CHECK(warned.media[0].width == 64);
  CHECK(warned.media[0].height == 36);
  CHECK(warned.media[0].alt_text == "A moon jellyfish on wet sand, about a hand wide.");
  CHECK(warned.media[1].alt_text == "The same jellyfish from the side, sea behind it.");
}

TEST_CASE("fixtures: custom emoji named in `emojis` become entities with their pictures") {
  const std::string media = fixture_media();
  const auto& emoji = post_at(maren_day(), "2026-11-24T11:00:00Z");
  CHECK(emoji.text == "Our instance has new emoji :tidepool: and :crab_wave: (side by side: :tidepool::crab_wave:). "
                      "An unknown one :not_listed: stays as it is.");
  REQUIRE(emoji.entities.size() == 4);
  for (const auto& entity : emoji.entities) CHECK(entity.kind == EntityKind::custom_emoji);
  CHECK(emoji.entities[0].text == "tidepool");
  CHECK(emoji.entities[0].image_url == media + "emoji-tidepool.png");
  CHECK(emoji.entities[1].text == "crab_wave");
  CHECK(emoji.entities[1].image_url == media + "emoji-crab_wave.png");
  CHECK(emoji.entities[3].start == emoji.entities[2].end);  // side by side
}

TEST_CASE("fixtures: a closed single-choice poll, and an open one whose counts are hidden") {
  const auto& poll = post_at(maren_day(), "2026-11-24T12:15:00Z");
  REQUIRE(poll.poll);
  REQUIRE(poll.poll->options.size() == 3);
  CHECK(poll.poll->options[0].title == "North cove");
  CHECK(poll.poll->options[0].votes == 12);
  CHECK(poll.poll->options[2].votes == 3);
  CHECK(poll.poll->voters == 22);  // a single-choice poll: one vote a voter
  CHECK(poll.poll->closed);
  CHECK_FALSE(poll.poll->multiple);

  const auto& open_poll = post_at(maren_day(), "2026-11-24T23:59:59Z");
  REQUIRE(open_poll.poll);
  CHECK(open_poll.poll->multiple);
  CHECK_FALSE(open_poll.poll->closed);
  CHECK(open_poll.poll->voters == 5);
  CHECK_FALSE(open_poll.poll->options[0].votes);  // hidden until the poll ends: nothing to print
}

TEST_CASE("fixtures: a reblog is drawn as the status it reblogged, in the reblog's place") {
  const std::string media = fixture_media();
  const auto& reblog = post_at(maren_day(), "2026-11-24T13:20:00Z");
  CHECK(reblog.id == "117671618150400000");  // the reblog's own id and time: its place in the day
  REQUIRE(reblog.repost);
  CHECK(reblog.repost->by.username == "maren@social.example");
  CHECK(reblog.repost->by.name == "Maren Okafor");
  CHECK(reblog.repost->original_id == "117667056844800000");
  CHECK(api_time_text(reblog.repost->original_created_at) == "2026-11-23T18:00:00Z");
  CHECK(reblog.author.username == "kelp@coast.example");
  CHECK(reblog.author.name == "Kelp Forest Lab");
  CHECK(reblog.text == "A hermit crab moving house, in four seconds. #crabs");
  REQUIRE(reblog.media.size() == 1);
  CHECK(reblog.media[0].type == "animated_gif");
  CHECK(reblog.media[0].url == media + "sunrise-64x36.png");  // the preview, not the MP4
  CHECK(reblog.media[0].alt_text == "A hermit crab leaves a small shell for a bigger one.");
  CHECK(reblog.metrics.likes == 30);
  CHECK(reblog.is_repost());
}

TEST_CASE("fixtures: a reply names the account it answers when the status mentions it") {
  const auto& reply = post_at(maren_day(), "2026-11-24T14:35:00Z");
  REQUIRE(reply.referenced.size() == 1);
  CHECK(reply.referenced[0].type == "replied_to");
  CHECK(reply.referenced[0].id == "117671814758400007");
  REQUIRE(reply.referenced[0].author);
  CHECK(reply.referenced[0].author->username == "juno");  // the mention's acct
  CHECK(reply.text == "@juno agreed, the south ledge is better at neap tide.");
}

TEST_CASE("fixtures: a video is shown by its preview picture") {
  const std::string media = fixture_media();
  const auto& video = post_at(maren_day(), "2026-11-24T16:10:00Z");
  REQUIRE(video.media.size() == 1);
  CHECK(video.media[0].type == "video");
  CHECK(video.media[0].url == media + "sunrise-64x36.png");
  CHECK(video.media[0].alt_text == "Water covers the stone causeway from left to right.");
}

TEST_CASE("fixtures: hostile HTML leaves only its words") {
  const auto& hostile = post_at(maren_day(), "2026-11-24T18:25:00Z");
  CHECK(hostile.text == "Clear skies tonight \u2014 bring cocoa & a torch <red light only>. Tide at 01:10 bold and italic "
                        "stay words.\n\n  low  01:10\n  high 07:25");
  CHECK(hostile.entities.empty());
}

TEST_CASE("fixtures: an accepted quote, its RE: paragraph left out") {
  const auto& quote = post_at(maren_day(), "2026-11-24T20:50:00Z");
  CHECK(quote.text == "This is the best use of a windowsill.");  // its "RE:" paragraph is the quote below
  REQUIRE(quote.referenced.size() == 1);
  CHECK(quote.referenced[0].type == "quoted");
  CHECK(quote.referenced[0].id == "117665169408000000");
  CHECK(quote.referenced[0].text == "Sea glass sorted by colour, a winter project.");
  REQUIRE(quote.referenced[0].author);
  CHECK(quote.referenced[0].author->username == "pebble@shore.example");
  CHECK(quote.referenced[0].author->name == "Pebble & Shore");
}

// ------------------------------------------------------------------------------------------
// Statuses: the real answers of the shared reference, read where they lie

namespace {

namespace json = boost::json;

// The reference file `name`, or "" (and a skip) when the shared folder is absent.
std::string reference_file(const std::string& name) {
  const fs::path file = reference() / "examples" / name;
  if (reference().empty() || !fs::exists(file)) return {};
  return read_text(file);
}

// A page of one status of ours holding `fields` (an attachment, a poll, a card from the docs).
std::string page_of(const json::object& fields) {
  json::object status{{"id", "1"}, {"created_at", "2026-11-24T12:00:00.000Z"}, {"content", "<p>x</p>"},
                      {"account", {{"id", "2"}, {"acct", "ada"}}}};
  for (const auto& [key, value] : fields) status[key] = value;
  return json::serialize(json::array{status});
}

// A page of the one status `status` (a reference file holds one object).
std::string as_page(const std::string& status) { return std::string("[").append(status).append("]"); }

StatusesPage parse_one(const std::string& page_text, const std::string& instance = "social.example") {
  StatusesPage page = parse_statuses_page(page_text, "test.json", instance);
  REQUIRE(page.posts.size() == 1);
  return page;
}

}  // namespace

TEST_CASE("reference: the documentation's Status: a link cut by Mastodon, its card, the counts") {
  const std::string status = reference_file("from-docs/Status.json");
  if (status.empty()) return test::skip("../shared/reference/mastodon is absent");
  StatusesPage page = parse_one(as_page(status), "mastodon.social");
  CHECK(page.problems.empty());
  const auto& post = page.posts[0];
  CHECK(post.id == "103270115826048975");
  CHECK(post.author.username == "Gargron@mastodon.social");
  CHECK(post.author.name == "Eugen");
  const std::string guardian =
      "https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code";
  CHECK(post.text == "\"I lost my inheritance with one wrong digit on my sort code\"\n\n" + guardian);
  REQUIRE(post.entities.size() == 1);
  CHECK(post.entities[0].display_url == "theguardian.com/money/2019/dec\u2026");
  REQUIRE(post.link);
  CHECK(post.link->title == "\u2018I lost my \u00A3193,000 inheritance \u2013 with one wrong digit on my sort code\u2019");
  CHECK(post.link->thumb_url.empty());  // "image": null
  CHECK(post.metrics.replies == 5);
  CHECK(post.metrics.reposts == 6);
  CHECK(post.metrics.likes == 11);
  CHECK(post.metrics.quotes == 2);
  CHECK(post.lang == "en");
  CHECK(post.referenced.empty());  // "quote": null
}

TEST_CASE("reference: the documentation's Account, and its note's custom emoji") {
  if (reference().empty()) return test::skip("../shared/reference/mastodon is absent");
  const std::string account = reference_file("from-docs/Account.json");
  auto author = parse_mastodon_account(account, "Account.json", "mastodon.social");
  CHECK(author.id == "23634");
  CHECK(author.username == "noiob@awoo.space");  // a remote account's acct stays
  CHECK(author.name == "ikea shark fan account");
  CHECK(author.avatar_url.ends_with("6ca8804dc46800ad.png"));

  // Its note as a status's content with its emojis: a shortcode that the list does not name
  // (":ms_bisexual_flagweb:") stays text.
  json::object fields = json::parse(account).as_object();
  auto note = parse_one(page_of({{"content", fields["note"]}, {"emojis", fields["emojis"]}}));
  CHECK(note.problems.empty());
  std::vector<std::string> emoji, tags, mentions;
  for (const auto& entity : note.posts[0].entities) {
    if (entity.kind == EntityKind::custom_emoji) emoji.push_back(entity.text);
    if (entity.kind == EntityKind::hashtag) tags.push_back(entity.text);
    if (entity.kind == EntityKind::mention) mentions.push_back(entity.text);
  }
  CHECK(emoji == std::vector<std::string>{"ms_rainbow_flag", "ms_nonbinary_flag"});
  CHECK(tags == std::vector<std::string>{"awoo", "admin", "bi", "nonbinary", "games"});
  CHECK(mentions == std::vector<std::string>{"dzuk"});
  CHECK(note.posts[0].text.find(":ms_bisexual_flagweb:\u200B") != std::string::npos);
  check_ranges(note.posts[0].text, note.posts[0].entities);
  CHECK(note.posts[0].entities[0].image_url.ends_with("/static/6de008d6281f4f59.png"));
}

TEST_CASE("reference: the documentation's attachments: pictures, GIFs and videos by their preview, audio noted") {
  if (reference().empty()) return test::skip("../shared/reference/mastodon is absent");
  // Media attachments: pictures by their url, GIFs and videos by their preview, audio noted.
  auto attachment = [&](const std::string& name) {
    return parse_one(page_of({{"media_attachments", json::array{json::parse(reference_file("from-docs/" + name))}}}));
  };
  auto image = attachment("MediaAttachment.image.json");
  REQUIRE(image.posts[0].media.size() == 1);
  CHECK(image.posts[0].media[0].type == "photo");
  CHECK(image.posts[0].media[0].url.ends_with("/original/57859aede991da25.jpeg"));
  CHECK(image.posts[0].media[0].width == 640);
  CHECK(image.posts[0].media[0].height == 480);
  CHECK(image.posts[0].media[0].alt_text == "test media description");
  auto gifv = attachment("MediaAttachment.gifv.json");
  REQUIRE(gifv.posts[0].media.size() == 1);
  CHECK(gifv.posts[0].media[0].type == "animated_gif");
  CHECK(gifv.posts[0].media[0].url.ends_with("/small/bc84838f77991326.png"));
  CHECK(gifv.posts[0].media[0].width == 600);
  auto video = attachment("MediaAttachment.video.json");
  REQUIRE(video.posts[0].media.size() == 1);
  CHECK(video.posts[0].media[0].type == "video");
  CHECK(video.posts[0].media[0].url.ends_with("/small/dab9a597f68b9745.png"));
  CHECK(video.posts[0].media[0].height == 720);
  CHECK(video.posts[0].media[0].alt_text.empty());  // "description": null
  auto audio = attachment("MediaAttachment.audio.json");
  CHECK(audio.posts[0].media.empty());
  REQUIRE(audio.problems.size() == 1);
  CHECK(audio.problems[0].kind == problem::bad_media);
  CHECK(audio.problems[0].message.find("type 'audio'") != std::string::npos);
}

TEST_CASE("reference: the documentation's poll, preview cards and custom emoji") {
  if (reference().empty()) return test::skip("../shared/reference/mastodon is absent");
  auto poll = parse_one(page_of({{"poll", json::parse(reference_file("from-docs/Poll.json"))}}));
  REQUIRE(poll.posts[0].poll);
  REQUIRE(poll.posts[0].poll->options.size() == 2);
  CHECK(poll.posts[0].poll->options[0].title == "accept");
  CHECK(poll.posts[0].poll->options[0].votes == 6);
  CHECK(poll.posts[0].poll->options[1].votes == 4);
  CHECK(poll.posts[0].poll->closed);
  CHECK(poll.posts[0].poll->voters == 10);

  for (const char* name : {"PreviewCard.link.json", "PreviewCard.photo.json", "PreviewCard.video.json"}) {
    INFO(name);
    json::value card = json::parse(reference_file(std::string("from-docs/") + name));
    auto read = parse_one(page_of({{"card", card}}));
    CHECK(read.problems.empty());
    REQUIRE(read.posts[0].link);
    CHECK(read.posts[0].link->url == std::string(card.at("url").as_string()));
    CHECK(read.posts[0].link->title == std::string(card.at("title").as_string()));
  }

  json::value blobaww = json::parse(reference_file("from-docs/CustomEmoji.json"));
  auto custom = parse_one(page_of({{"content", "<p>so cute :blobaww:</p>"}, {"emojis", json::array{blobaww}}}));
  REQUIRE(custom.posts[0].entities.size() == 1);
  CHECK(custom.posts[0].entities[0].text == "blobaww");
  CHECK(custom.posts[0].entities[0].image_url == std::string(blobaww.at("static_url").as_string()));
}

TEST_CASE("reference: a real reblog (Mastodon 4.6, recorded by Mastodon.py)") {
  const std::string reblog_text = reference_file("from-mastodon.py/Status.reblog.json");
  if (reblog_text.empty()) return test::skip("../shared/reference/mastodon is absent");
  auto reblog = parse_one(as_page(reblog_text), "localhost");
  CHECK(reblog.problems.empty());
  const auto& shown = reblog.posts[0];
  CHECK(shown.id == "117020586027094262");  // the reblog's
  REQUIRE(shown.repost);
  CHECK(shown.repost->original_id == "117020586019094258");
  CHECK(shown.repost->by.username == "mastodonpy_test@localhost");
  CHECK(shown.repost->by.name == "John Lennon");
  CHECK(shown.text == "Toot!");
  CHECK(shown.lang == "en");  // the original's (the reblog's is null)
}

TEST_CASE("reference: real statuses with a content warning, pictures, a mention, a hashtag") {
  if (reference().empty()) return test::skip("../shared/reference/mastodon is absent");
  auto spoiler = parse_one(as_page(reference_file("from-mastodon.py/Status.spoiler_text.json")));
  CHECK(spoiler.posts[0].content_warning == "Content warning");
  CHECK(spoiler.posts[0].text == "Toot!");

  auto media = parse_one(as_page(reference_file("from-mastodon.py/Status.media_attachments.json")));
  REQUIRE(media.posts[0].media.size() == 2);
  CHECK(media.posts[0].media[0].alt_text == "John Lennon doing a funny walk");
  CHECK(media.posts[0].media[0].width == 600);
  CHECK(media.posts[0].media[1].alt_text == "hololives #1 detective, watson ameliachan");
  CHECK(media.posts[0].text == "LOL check this out");

  auto mention = parse_one(as_page(reference_file("from-mastodon.py/Status.mention-direct.json")));
  CHECK(mention.posts[0].text == "@admin ilu bby ;3");
  REQUIRE(mention.posts[0].entities.size() == 1);
  CHECK(mention.posts[0].entities[0].kind == EntityKind::mention);
  CHECK(mention.posts[0].entities[0].text == "admin");
  CHECK(mention.posts[0].lang == "ja");

  auto tag = parse_one(as_page(reference_file("from-mastodon.py/Status.tag.json")));
  CHECK(tag.posts[0].text == "#hoot (hashtag toot)");
  REQUIRE(tag.posts[0].entities.size() == 1);
  CHECK(tag.posts[0].entities[0].kind == EntityKind::hashtag);
  CHECK(tag.posts[0].entities[0].text == "hoot");
}

TEST_CASE("reference: a real page of statuses, whose last id is the next page's max_id") {
  if (reference().empty()) return test::skip("../shared/reference/mastodon is absent");
  // A whole page: newest first; its last id is the max_id of the next page (the recorded Link
  // header's rel="next" says max_id=117020580489281910).
  StatusesPage page = parse_statuses_page(reference_file("from-mastodon.py/accounts_id_statuses.page.json"),
                                          "page.json", "localhost");
  CHECK(page.problems.empty());
  CHECK(page.entries == 5);
  REQUIRE(page.posts.size() == 5);
  CHECK(page.posts[0].text == "Toot number 9!");
  CHECK(page.posts[4].text == "Toot number 5!");
  CHECK(page.last_id == "117020580489281910");
  for (const auto& post : page.posts) CHECK(post.author.username == "mastodonpy_test@localhost");
}

// ------------------------------------------------------------------------------------------
// Statuses: what is wrong costs only itself

namespace {

// A page of broken statuses and statuses with broken parts, read once with a fallback author.
struct BrokenPage {
  StatusesPage page;
  std::vector<std::string> messages;
  std::map<std::string, int> kinds;
};

const BrokenPage& broken_page() {
  static const BrokenPage read = [] {
    static const char* const text = R"([
      {"id": "10", "created_at": "2026-11-24T10:00:00.000Z", "content": "<p>fine</p>",
       "media_attachments": [{"id": "m1", "type": "image", "url": "media/a.png", "meta": null},
                             {"id": "m2", "type": "unknown", "url": null, "remote_url": "https://far.example/x"},
                             {"id": "m3", "type": "image", "url": null, "preview_url": null},
                             "not an object"],
       "poll": {"options": [{"votes_count": 3}]}, "card": {"title": "no url"},
       "replies_count": "many", "emojis": [{"shortcode": "x"}],
       "in_reply_to_id": 7},
      {"created_at": "2026-11-24T10:00:00.000Z", "content": "no id"},
      {"id": "12", "created_at": "yesterday", "content": "bad time"},
      {"id": "13", "content": "no time"},
      "not a status",
      {"id": "14", "created_at": "2026-11-24T11:00:00+01:00", "content": "<p>an offset</p>",
       "reblog": {"id": "99", "content": "<p>no account, no time</p>"},
       "account": {"id": "5", "acct": "ada", "display_name": ""}},
      {"id": "15", "created_at": "2026-11-24T12:00:00.000Z", "content": "<p>caf\u00e9 \u00ff</p>", "spoiler_text": 5,
       "media_attachments": [{"id":"1","type":"image","url":"u1"},{"id":"2","type":"image","url":"u2"},
         {"id":"3","type":"image","url":"u3"},{"id":"4","type":"image","url":"u4"},{"id":"5","type":"image","url":"u5"}]}
    ])";
    BrokenPage broken;
    broken.page = parse_statuses_page(text, "page.json", "social.example",
                                      items::Author{"1", "Handle", "handle@social.example", ""});
    for (const auto& found : broken.page.problems) {
      broken.messages.push_back(found.message);
      ++broken.kinds[found.kind];
    }
    return broken;
  }();
  return read;
}

}  // namespace

TEST_CASE("statuses: a status without an id or a readable time is skipped, named") {
  const auto& [page, messages, kinds] = broken_page();
  for (const auto& message : messages) INFO(message);
  CHECK(page.entries == 7);
  CHECK(page.last_id == "15");
  REQUIRE(page.posts.size() == 3);
  CHECK(kinds.at(problem::post_skipped) == 4);  // no id, a bad time, no time, not an object
  CHECK(any_contains(messages, "page.json: statuses[1]: missing field 'id' (post skipped)"));
  CHECK(any_contains(messages, "page.json: status 12: created_at 'yesterday' is not a time"));
  CHECK(any_contains(messages, "page.json: status 13: missing field 'created_at'"));
  CHECK(any_contains(messages, "page.json: statuses[4]: statuses[4] should be an object, not a string"));
}

TEST_CASE("statuses: a bad attachment, poll, card, count, emoji or reply is dropped, the status kept") {
  const auto& [page, messages, kinds] = broken_page();
  for (const auto& message : messages) INFO(message);
  const auto& fine = page.posts.at(0);
  CHECK(fine.text == "fine");
  CHECK(fine.author.username == "handle@social.example");  // no account: the handle's
  REQUIRE(fine.media.size() == 1);
  CHECK(fine.media[0].url == "media/a.png");
  CHECK_FALSE(fine.poll);
  CHECK_FALSE(fine.link);
  CHECK(fine.metrics.replies == 0);
  CHECK(fine.referenced.empty());
  CHECK(any_contains(messages, "media_attachments[1]: an attachment of type 'unknown'"));
  CHECK(any_contains(messages, "media_attachments[2]: no picture to show"));
  CHECK(any_contains(messages, "media_attachments[3]: media_attachments[3] should be an object"));
  CHECK(any_contains(messages, "poll: missing field 'title'"));
  CHECK(any_contains(messages, "card: missing field 'url'"));
  CHECK(any_contains(messages, "counts: field 'replies_count' should be an integer, not a string"));
  CHECK(any_contains(messages, "emojis[0]: custom emoji 'x' has no url"));
  CHECK(any_contains(messages, "the reply: field 'in_reply_to_id' should be a string, not a number"));
}

TEST_CASE("statuses: a reblog whose original cannot be read is drawn as itself, a reference to it") {
  const auto& [page, messages, kinds] = broken_page();
  const auto& reblog = page.posts.at(1);
  CHECK(reblog.id == "14");
  CHECK(reblog.author.username == "ada@social.example");
  CHECK(reblog.author.name == "ada");  // no display name: the username
  CHECK_FALSE(reblog.repost);
  REQUIRE(reblog.referenced.size() == 1);
  CHECK(reblog.referenced[0].type == "retweeted");
  CHECK(reblog.referenced[0].id == "99");
  CHECK(reblog.is_repost());
  CHECK(api_time_text(reblog.created_at) == "2026-11-24T10:00:00Z");  // +01:00 read
  CHECK(any_contains(messages, "status 14: the reblogged status: missing field 'created_at' (drawn as the reblog itself)"));
}

TEST_CASE("statuses: past four pictures the rest is dropped; a bad content warning is dropped") {
  const auto& [page, messages, kinds] = broken_page();
  const auto& crowded = page.posts.at(2);
  CHECK(crowded.text == "caf\u00E9 \u00FF");
  CHECK(crowded.media.size() == 4);
  CHECK(crowded.content_warning.empty());
  CHECK(any_contains(messages, "status 15: 5 pictures, more than the 4 a post can have"));
  CHECK(any_contains(messages, "status 15: spoiler_text: field 'spoiler_text' should be a string"));
}

TEST_CASE("statuses: invalid bytes are replaced in their string, the status kept") {
  std::string page_text = "[{\"id\": \"1\", \"created_at\": \"2026-11-24T10:00:00.000Z\", \"content\": \"<p>a \xFF b</p>\", "
                          "\"account\": {\"id\": \"2\", \"acct\": \"ada\"}}]";
  StatusesPage page = parse_statuses_page(page_text, "page.json", "social.example");
  REQUIRE(page.posts.size() == 1);
  CHECK(page.posts[0].text == "a \uFFFD b");
  REQUIRE(page.problems.size() == 1);
  CHECK(page.problems[0].kind == problem::invalid_text);
}

TEST_CASE("statuses: answers that are not a page are refused with the server's words") {
  CHECK_THROWS_WITH(parse_statuses_page("{\"error\": \"Record not found\"}", "p.json", "s.example"),
                    "p.json: the server answered with an error: Record not found");
  CHECK_THROWS_WITH(parse_statuses_page("{\"id\": \"1\"}", "p.json", "s.example"),
                    "p.json: expected an array of statuses, not an object");
  CHECK_THROWS_AS(parse_statuses_page("[{\"id\": \"1\"", "p.json", "s.example"), DocumentError);
  CHECK(parse_statuses_page("[]", "p.json", "s.example").posts.empty());
  CHECK_THROWS_WITH(parse_mastodon_account("{\"error\": \"Record not found\"}", "a.json", "s.example"),
                    "a.json: the server answered with an error: Record not found");
  CHECK_THROWS_WITH(parse_mastodon_account("{\"username\": \"x\"}", "a.json", "s.example"),
                    "a.json: account: missing field 'id'");
  CHECK_THROWS_WITH(parse_mastodon_account("[]", "a.json", "s.example"), "a.json: expected an account object, not an array");
  CHECK(mastodon_error_message("{\"error\": \"invalid_token\", \"error_description\": \"The access token is invalid\"}") ==
        "invalid_token: The access token is invalid");
  CHECK_FALSE(mastodon_error_message("<html>Bad gateway</html>"));
  CHECK_FALSE(mastodon_error_message("[]"));
}

TEST_CASE("stored: a broken first page fails the handle, a broken later page loses only itself") {
  test::TempDir folder("pipectl-mastodon-stored");
  fs::copy(fixtures() / "maren@social.example", folder.path() / "maren@social.example", fs::copy_options::recursive);
  fs::copy(fixtures() / "media", folder.path() / "media", fs::copy_options::recursive);
  const fs::path statuses = folder.path() / "maren@social.example" / "statuses";

  std::ofstream(statuses / "117671067648000000.json") << "[{\"id\": \"1\",";  // the third page, cut
  Warnings warnings;
  StoredDay day = read_stored_mastodon(folder.path(), "maren@social.example", warnings.warn());
  CHECK(day.posts.size() == 9);  // the first two pages
  REQUIRE(warnings.kinds.size() == 1);
  CHECK(warnings.kinds[0] == problem::page_lost);
  CHECK(any_contains(warnings.messages, "117671067648000000.json:1:"));
  CHECK(any_contains(warnings.messages, "(its statuses are lost)"));

  std::ofstream(statuses / "page-1.json") << "{\"error\": \"Record not found\"}";
  CHECK_THROWS_WITH(read_stored_mastodon(folder.path(), "maren@social.example", warnings.warn()),
                    Catch::Contains("page-1.json: the server answered with an error: Record not found"));
  fs::remove(folder.path() / "maren@social.example" / "account.json");
  CHECK_THROWS_WITH(read_stored_mastodon(folder.path(), "maren@social.example", warnings.warn()),
                    Catch::Contains("account.json: cannot read the file"));
}

// ------------------------------------------------------------------------------------------
// The live client against a loopback server that serves the fixtures as an instance would

namespace {

// How the loopback instance answers.
struct Instance {
  enum class Links { rfc8288, none, foreign, same_page_again, endless, unusable } links = Links::rfc8288;
  int pages_sent = 0;
  std::map<std::string, std::vector<test::LoopbackReply>> refusals;  // path prefix -> replies to give first
  std::string base;                                                  // the server's URL, once known
  std::mutex mutex;
  std::vector<std::string> targets;  // every request's target

  int statuses_requests() {
    std::lock_guard lock(mutex);
    return static_cast<int>(std::count_if(targets.begin(), targets.end(),
                                          [](const std::string& t) { return t.find("/statuses") != std::string::npos; }));
  }
};

std::string query_value(const std::string& target, const std::string& name) {
  const std::size_t at = target.find(name + "=");
  if (at == std::string::npos) return {};
  const std::size_t end = target.find('&', at);
  return target.substr(at + name.size() + 1, end == std::string::npos ? std::string::npos : end - at - name.size() - 1);
}

test::LoopbackReply json_reply(int status, std::string body) {
  test::LoopbackReply reply = test::reply_with(status, std::move(body));
  reply.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  return reply;
}

// GET /api/v1/accounts/lookup and /api/v1/accounts/:id/statuses over tests/fixtures/mastodon.
test::LoopbackReply answer(Instance& instance, const test::LoopbackRequest& request) {
  {
    std::lock_guard lock(instance.mutex);
    instance.targets.push_back(request.target);
    for (auto& [prefix, replies] : instance.refusals)
      if (request.target.starts_with(prefix) && !replies.empty()) {
        test::LoopbackReply reply = replies.front();
        replies.erase(replies.begin());
        return reply;
      }
  }
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path == "/api/v1/accounts/lookup") {
    std::string acct = query_value(request.target, "acct");
    const std::size_t at = acct.find("%40");
    if (at != std::string::npos) acct.replace(at, 3, "@");
    const fs::path file = fixtures() / acct / "account.json";
    if (acct.find('/') != std::string::npos || !fs::exists(file)) return json_reply(404, "{\"error\":\"Record not found\"}");
    return json_reply(200, read_text(file));
  }
  const std::string statuses_path = "/api/v1/accounts/109348000000000001/statuses";
  if (path != statuses_path) return json_reply(404, "{\"error\":\"Record not found\"}");
  const fs::path folder = fixtures() / "maren@social.example" / "statuses";
  const std::string max_id = query_value(request.target, "max_id");
  const bool endless = instance.links == Instance::Links::endless;
  const fs::path file = folder / ((max_id.empty() || endless ? "page-1" : max_id) + ".json");
  if (!fs::exists(file)) return json_reply(200, "[]");
  test::LoopbackReply reply = json_reply(200, read_text(file));
  const json::array page = json::parse(reply.body).as_array();
  const std::string last = std::string(page.back().at("id").as_string());
  const std::string next = statuses_path + "?limit=40&max_id=" + last;
  switch (instance.links) {
    case Instance::Links::rfc8288:
      // The last page has no rel="next", as Mastodon's.
      reply.headers.emplace_back("Link", (fs::exists(folder / (last + ".json")) ? "<" + instance.base + next + ">; rel=\"next\", " : "") +
                                             "<" + instance.base + statuses_path + "?limit=40&min_id=1>; rel=\"prev\"");
      break;
    case Instance::Links::none: break;
    case Instance::Links::foreign: reply.headers.emplace_back("Link", "<https://elsewhere.example" + next + ">; rel=\"next\""); break;
    case Instance::Links::endless:  // page 1 again and again, each time under a new max_id
      reply.headers.emplace_back("Link", "<" + statuses_path + "?limit=40&max_id=" + std::to_string(++instance.pages_sent) +
                                             ">; rel=\"next\"");
      break;
    case Instance::Links::unusable: reply.headers.emplace_back("Link", "<http://[::1>; rel=\"next\""); break;
    case Instance::Links::same_page_again:
      // Relative, and always page 2.
      reply.headers.emplace_back("Link", "<" + statuses_path + "?limit=40&max_id=117672286617600000>; rel=\"next\"");
      break;
  }
  reply.headers.emplace_back("X-RateLimit-Limit", "300");
  reply.headers.emplace_back("X-RateLimit-Remaining", "299");
  return reply;
}

struct LiveRun {
  std::vector<std::string> warnings, kinds;
  std::vector<std::pair<std::string, double>> waits;
  StoredDay day;
};

LiveRun read_live(const std::string& base, const std::string& handle, const std::string& date = "2026-11-24",
                  const std::string& tz = "UTC") {
  MastodonSettings settings;
  settings.api_base = base;
  settings.retries = 2;
  settings.backoff = std::chrono::milliseconds(10);
  settings.max_wait = std::chrono::seconds(20);
  settings.http.read_timeout = std::chrono::milliseconds(5000);
  LiveRun run;
  ApiHooks hooks;
  hooks.warn = [&](const std::string& kind, const std::string& message) {
    run.kinds.push_back(kind);
    run.warnings.push_back(message);
  };
  hooks.notify_wait = [&](const std::string& reason, double seconds) { run.waits.emplace_back(reason, seconds); };
  run.day = read_mastodon(settings, handle, day_window(date, tz), hooks);
  return run;
}

}  // namespace

TEST_CASE("live: the account, then its statuses page by page until one is older than the day") {
  Instance instance;
  SECTION("following the Link header's rel=\"next\"") { instance.links = Instance::Links::rfc8288; }
  SECTION("without Link headers, by max_id") { instance.links = Instance::Links::none; }
  test::LoopbackServer server([&](const test::LoopbackRequest& request) { return answer(instance, request); });
  instance.base = server.url("");

  LiveRun run = read_live(server.url("/"), "maren@social.example");  // a trailing '/' is fine
  for (const auto& warning : run.warnings) WARN(warning);
  CHECK(run.warnings.empty());
  CHECK(run.day.user.username == "maren@social.example");
  CHECK(run.day.user.avatar_url == "media/avatar-32.png");  // as the server gave it
  CHECK(run.day.posts.size() == 13);
  CHECK(select_day(run.day.posts, day_window("2026-11-24", "UTC")).size() == 11);
  std::lock_guard lock(instance.mutex);
  REQUIRE(instance.targets.size() == 4);
  CHECK(instance.targets[0] == "/api/v1/accounts/lookup?acct=maren%40social.example");
  CHECK(instance.targets[1] == "/api/v1/accounts/109348000000000001/statuses?limit=40");
  CHECK(instance.targets[2] == "/api/v1/accounts/109348000000000001/statuses?limit=40&max_id=117672286617600000");
  CHECK(instance.targets[3] == "/api/v1/accounts/109348000000000001/statuses?limit=40&max_id=117671067648000000");
}

TEST_CASE("live: paging stops at the first page that reaches before the day") {
  Instance instance;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) { return answer(instance, request); });
  instance.base = server.url("");
  LiveRun after = read_live(server.url(""), "maren@social.example", "2026-11-25");
  CHECK(after.day.posts.size() == 5);  // page 1 holds the 24th's last status already
  CHECK(select_day(after.day.posts, day_window("2026-11-25", "UTC")).size() == 1);
  CHECK(instance.statuses_requests() == 1);
  // In Tokyo the 24th starts at 15:00Z on the 23rd: the 23rd's 21:40Z status is in it.
  LiveRun tokyo = read_live(server.url(""), "maren@social.example", "2026-11-24", "Asia/Tokyo");
  CHECK(select_day(tokyo.day.posts, day_window("2026-11-24", "Asia/Tokyo")).size() == 8);
}

TEST_CASE("live: a next page on another server is not followed") {
  Instance instance;
  instance.links = Instance::Links::foreign;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) { return answer(instance, request); });
  instance.base = server.url("");
  LiveRun run = read_live(server.url(""), "maren@social.example");
  CHECK(run.day.posts.size() == 13);  // by max_id, on the server asked
  REQUIRE(run.warnings.size() == 2);
  CHECK(run.kinds[0] == problem::api_error);
  CHECK(run.warnings[0].find("the next page is on another server (https://elsewhere.example), not followed") !=
        std::string::npos);
  std::lock_guard lock(instance.mutex);
  for (const auto& target : instance.targets) CHECK(target.find("elsewhere") == std::string::npos);
}

TEST_CASE("live: a next page that is not a URL is asked by max_id, not taken for the end") {
  Instance instance;
  instance.links = Instance::Links::unusable;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) { return answer(instance, request); });
  instance.base = server.url("");
  LiveRun run = read_live(server.url(""), "maren@social.example");
  CHECK(run.day.posts.size() == 13);
  REQUIRE_FALSE(run.warnings.empty());
  CHECK(run.warnings[0].find("the Link header's next page is not a URL; the next page is asked by max_id") !=
        std::string::npos);
}

TEST_CASE("live: a server that sends the same next page again is stopped") {
  Instance instance;
  instance.links = Instance::Links::same_page_again;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) { return answer(instance, request); });
  instance.base = server.url("");
  CHECK_THROWS_WITH(read_live(server.url(""), "maren@social.example"),
                    "social.example sent the same next page twice for @maren@social.example (after page 2)");
}

TEST_CASE("live: a server that pages for ever is stopped after 200 pages") {
  Instance instance;
  instance.links = Instance::Links::endless;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) { return answer(instance, request); });
  instance.base = server.url("");
  CHECK_THROWS_WITH(read_live(server.url(""), "maren@social.example", "2020-01-01"),
                    "@maren@social.example has more than 200 pages (8000 statuses) between now and the day");
  CHECK(instance.statuses_requests() == 200);
}

TEST_CASE("live: a handle that is not user@instance is refused before any call") {
  Instance instance;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) { return answer(instance, request); });
  instance.base = server.url("");
  for (const std::string handle : {"ada", "ada@", "@ada@social.example", "ada@localhost", "a/b@social.example"})
    CHECK_THROWS_WITH(read_live(server.url(""), handle),
                      "'" + handle + "' is not a Mastodon address (user@instance, e.g. @ada@mastodon.social)");
  CHECK(server.requests() == 0);  // refused before any call

}

TEST_CASE("live: refusals fail the handle in words a user can act on") {
  Instance instance;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) { return answer(instance, request); });
  instance.base = server.url("");
  CHECK_THROWS_WITH(read_live(server.url(""), "nobody@social.example"),
                    "social.example has no account @nobody@social.example (HTTP 404: Record not found, " + server.url("") +
                        "/api/v1/accounts/lookup)");
  const std::string lookup = "/api/v1/accounts/lookup";
  instance.refusals[lookup] = {json_reply(410, "")};
  CHECK_THROWS_WITH(read_live(server.url(""), "maren@social.example"),
                    Catch::StartsWith("@maren@social.example is gone from social.example: suspended or deleted (HTTP 410, "));
  instance.refusals[lookup] = {json_reply(401, "{\"error\":\"This API requires an authenticated user\"}")};
  CHECK_THROWS_WITH(read_live(server.url(""), "maren@social.example"),
                    Catch::StartsWith("social.example shows its accounts only to logged-in users (HTTP 401: This API "
                                      "requires an authenticated user, "));
  instance.refusals[lookup] = {json_reply(403, "{\"error\":\"Forbidden\"}")};
  CHECK_THROWS_WITH(read_live(server.url(""), "maren@social.example"),
                    Catch::StartsWith("social.example refuses to show @maren@social.example's posts (HTTP 403: Forbidden"));
  instance.refusals[lookup] = {json_reply(200, "{\"error\":\"Record not found\"}")};
  CHECK_THROWS_WITH(read_live(server.url(""), "maren@social.example"),
                    "social.example answered for @maren@social.example: Record not found");
}

TEST_CASE("live: a 429 is waited out until x-ratelimit-reset, 5xx and garbage are retried") {
  Instance instance;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) { return answer(instance, request); });
  instance.base = server.url("");
  // ISO 8601, as Mastodon writes it: 2026-08-01T13:55:00.212100Z
  std::string reset = api_time_text(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
                                    std::chrono::seconds(1));
  reset.insert(reset.size() - 1, ".212100");
  test::LoopbackReply refused = json_reply(429, "{\"error\":\"Too many requests\"}");
  refused.headers = {{"X-RateLimit-Limit", "300"}, {"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", reset}};
  test::LoopbackReply broken = json_reply(200, "[{\"id\": \"1\", \"cre");
  instance.refusals["/api/v1/accounts/109348000000000001/statuses?limit=40&max_id="] = {
      refused, json_reply(503, "<html>busy</html>"), broken};

  const auto start = std::chrono::steady_clock::now();
  LiveRun run = read_live(server.url(""), "maren@social.example");
  CHECK(run.day.posts.size() == 13);
  REQUIRE(run.waits.size() == 1);
  CHECK(run.waits[0].first.find("rate limit: HTTP 429 from social.example") != std::string::npos);
  CHECK(run.waits[0].second >= 1.0);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::seconds(1));
  REQUIRE(run.kinds.size() == 2);
  CHECK(run.kinds[0] == problem::api_retry);
  CHECK(run.warnings[0].find("attempt 1 failed, retrying in ") != std::string::npos);
  CHECK(run.warnings[0].find("HTTP 503") != std::string::npos);
  CHECK(run.warnings[1].find("attempt 2 failed") != std::string::npos);
  CHECK(run.warnings[1].find("invalid JSON") != std::string::npos);
}

TEST_CASE("stored: the sample data's Mastodon account reads cleanly, every picture on disk") {
  const fs::path sample = test::source_dir() / "data" / "sample";
  Warnings warnings;
  StoredDay stored = read_stored_mastodon(sample, "lyra@skyhaven.example", warnings.warn());
  for (const auto& message : warnings.messages) WARN(message);
  CHECK(warnings.messages.empty());
  CHECK(stored.user.username == "lyra@skyhaven.example");
  CHECK(stored.posts.size() == 8);  // data/sample/README.md: 8 statuses, 6 in the day
  auto day = select_day(stored.posts, day_window("2026-11-24", "UTC"));
  REQUIRE(day.size() == 6);
  CHECK(day[0].author.name == "Lyra Quill \U0001F52D");

  std::vector<std::string> pictures{stored.user.avatar_url};
  int warned = 0, emoji = 0, polls = 0, reblogs = 0, cards = 0;
  for (const auto& post : day) {
    INFO("status " << post.id);
    check_ranges(post.text, post.entities);
    warned += !post.content_warning.empty();
    polls += post.poll.has_value();
    reblogs += post.repost.has_value();
    cards += post.link.has_value();
    pictures.push_back(post.author.avatar_url);
    for (const auto& media : post.media) {
      pictures.push_back(media.url);
      CHECK_FALSE(media.alt_text.empty());
    }
    for (const auto& entity : post.entities)
      if (entity.kind == EntityKind::custom_emoji) {
        ++emoji;
        pictures.push_back(entity.image_url);
      }
    if (post.link) pictures.push_back(post.link->thumb_url);
  }
  CHECK(warned == 1);
  CHECK(emoji == 3);
  CHECK(polls == 1);
  CHECK(reblogs == 1);
  CHECK(cards == 1);
  for (const auto& picture : pictures) {
    INFO(picture);
    REQUIRE(picture.starts_with("file://"));
    CHECK(fs::is_regular_file(picture.substr(7)));
  }
}
