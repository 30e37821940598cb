// The text a card shows for a post: links as their display URL, entities in the accent ink.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "items/post.hpp"
#include "paragraph.hpp"

namespace pipectl::render {

struct StyledText {
  std::string text;             // UTF-8, as drawn
  std::vector<InkRange> inks;   // hashtags, mentions, links, cashtags: ink 1
};

// A post's text with its entities (the API's, or found by twitter-text's rules when the post
// has none) highlighted and t.co links shown as their display URL. Each entity is wrapped in
// invisible bidi isolates so it reads in its own direction inside right-to-left text.
StyledText card_text(const items::Post& post);

// Text without entities from the API (a quoted post's): entities found by twitter-text's rules.
StyledText card_text_of(std::string_view text);

}  // namespace pipectl::render
