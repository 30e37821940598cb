// The text a card shows for a post, with the parts to highlight (hashtags, mentions, URLs,
// cashtags) as byte ranges into it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "items/post.hpp"

namespace pipectl::twitter_text {

// One highlighted part: [begin, end) in UTF-8 bytes of DisplayText::text. It covers the
// entity as the card shows it: the sigil included (#tag, @user, $CASH), and for a URL the
// display URL when the API gave one.
struct HighlightSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  items::EntityKind kind = items::EntityKind::hashtag;
};

// What a card shows for a post's text.
//  - text: valid UTF-8 (ill-formed input bytes become U+FFFD). URL entities with a display_url
//    show it instead of the t.co link. A trailing link to the post's own photos or video (a URL
//    entity whose display_url starts with pic.twitter.com/ or pic.x.com/, with only white space
//    after it) is removed together with the white space before it: the card shows the media.
//  - spans: in text order, never overlapping, never empty.
// Entities come from the post itself when it has any (the API's, offsets in code points of
// post.text); entities out of the text's range, empty, or overlapping an earlier one are
// ignored. A post without entities gets them from extract_entities (twitter-text's rules),
// unless its source marks every entity (Post::entities_complete: Bluesky, Mastodon).
struct DisplayText {
  std::string text;
  std::vector<HighlightSpan> spans;
};

DisplayText display_text(const items::Post& post);
// The same for a text and its entities (empty: extract them from the text, unless
// `complete`: then there are none).
DisplayText display_text(std::string_view text, const std::vector<items::Entity>& entities, bool complete = false);

}  // namespace pipectl::twitter_text
