// The text a card shows for a post: links as their display URL, entities in the accent ink.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "items/media.hpp"
#include "items/post.hpp"
#include "paragraph.hpp"

namespace pipectl::render {

struct StyledText {
  std::string text;             // UTF-8, as drawn
  std::vector<InkRange> inks;   // hashtags, mentions, links, cashtags: ink 1
  std::vector<InlineObject> objects;          // custom emoji drawn as pictures (U+FFFC in text)
  std::vector<const items::Image*> pictures;  // by InlineObject::index; they outlive the text
};

// A post's text with its entities (the API's, or found by twitter-text's rules when the post
// has none) highlighted and t.co links shown as their display URL. Each entity is wrapped in
// invisible bidi isolates so it reads in its own direction inside right-to-left text. Custom
// emoji whose picture `emoji` holds (by Entity::image_url) become inline pictures; the others
// keep their ":shortcode:" text, in the text colour, as Mastodon shows an emoji it lacks.
StyledText card_text(const items::Post& post, const std::map<std::string, items::Image>& emoji = {});

// Text without entities from the API (a quoted post's): entities found by twitter-text's rules.
StyledText card_text_of(std::string_view text);

// A text of a few lines (a content warning, a link's title, a poll option) cut after
// `max_code_points` code points, with "…" when cut: far more than its box can show, so that a
// hostile 50,000-character field costs no more to lay out than a long one.
std::string shortened(std::string_view text, std::size_t max_code_points = 1000);

// The site a link card names: the host of an http(s) `url` in lower case, without "www."
// ("example.com" for "https://www.Example.com/a?b=1"); empty for anything else.
std::string link_host(std::string_view url);

// A display name as a card draws it, alone or inside a longer line ("<name> reposted"): in a
// first-strong isolate (U+2068 … U+2069), so that the bidi controls a name may hold
// (overrides, embeddings, isolates, marks) reorder nothing outside it. Isolates the name left
// unmatched are closed before the final U+2069 and a stray U+2069 is dropped, so the name
// cannot end the isolate early nor leave one open; an override or embedding left open ends
// with the isolate (UAX #9, X6a). Line and paragraph breaks become spaces (a name is one line).
std::string isolated_name(std::string_view name);

// A name as a subtitle (WebVTT) shows it: bidi controls removed (a player would apply them to
// the whole cue: U+202E in a name reversed the caption), line breaks become spaces.
// Malformed UTF-8 is left for the WebVTT writer to replace.
std::string caption_name(std::string_view name);

// Whether `c` is a bidi formatting character: LRM, RLM, ALM, the embeddings and overrides
// (U+202A–U+202E) and the isolates (U+2066–U+2069).
bool is_bidi_control(char32_t c);

}  // namespace pipectl::render
