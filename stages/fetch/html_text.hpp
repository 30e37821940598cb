// Mastodon's status `content` is HTML; a card needs plain text with entities. This reads it
// with libxml2's HTML parser (which decodes &amp; and friends and mends broken markup) and
// writes what Mastodon's web UI shows:
//   - <p> paragraphs separated by a blank line, <br> a line break, other blocks (div, li,
//     blockquote, headings) on lines of their own; <pre> keeps its white space;
//   - white space collapsed as HTML collapses it, none at the start or the end;
//   - mentions (<a class="u-url mention">@<span>user</span></a>) and hashtags (<a class=
//     "mention hashtag">#<span>tag</span></a>) as entities over "@user" and "#tag";
//   - other http(s) links as URL entities: the href in the text, the shown part as display_url
//     (Mastodon hides parts in <span class="invisible"> and marks a cut with <span
//     class="ellipsis">, shown as the visible text and "…" after it);
//   - scripts, styles, pictures, forms, embedded documents dropped with their content; the
//     text of every other element kept (as a browser shows an unknown tag's text).
// Offsets are code points of the resulting text, as items::Entity wants them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "items/post.hpp"

namespace pipectl::fetch {

// HTML past this many bytes is not read: libxml2's parser slows down faster than linearly on
// some hostile markup (thousands of unclosed links), and this is far more than a card can show.
inline constexpr std::size_t max_html_bytes = 512 * 1024;

struct HtmlText {
  std::string text;                     // UTF-8
  std::vector<items::Entity> entities;  // in reading order, never overlapping
  bool cut = false;                     // the HTML was longer than max_html_bytes
};

struct HtmlTextOptions {
  // Mastodon 4.4+ writes a quote post's "RE: <link>" into a <p class="quote-inline"> for clients
  // that cannot show quotes; a client that shows the quoted post leaves it out.
  bool drop_quote_inline = false;
};

// Never throws for any input: bytes that are not UTF-8 become U+FFFD, markup that cannot be
// read is mended or dropped.
HtmlText html_to_text(std::string_view html, const HtmlTextOptions& options = {});

// The text as Mastodon shows it: each link's range replaced by what is shown for it
// (display_url). For a text kept without its entities (a quoted status's).
std::string shown_text(const HtmlText& read);

}  // namespace pipectl::fetch
