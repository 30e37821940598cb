// Entity extraction as twitter-text does it: which hashtags, @mentions (and @user/lists), URLs
// and cashtags a post's text holds, and where. Our own implementation of twitter-text's rules,
// checked against its conformance suites (tests/test_twitter_text.cpp); URLs without a protocol
// count on the TLDs of the Public Suffix List instead of twitter-text's own list.
//
// Texts are UTF-8 (ill-formed bytes count as one U+FFFD each). Every function is linear-ish in
// the text's length, whatever the text holds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "items/post.hpp"

namespace pipectl::twitter_text {

// One entity. Offsets count Unicode code points, as twitter-text and the X API count them:
// [start, end), with the sigil (#, ＃, @, ＠, $) inside the range.
struct Entity {
  items::EntityKind kind = items::EntityKind::hashtag;
  int start = 0;
  int end = 0;
  std::string value;      // hashtag, cashtag or username without its sigil; for URLs the URL
  std::string list_slug;  // mentions of a list (@user/slug): "/slug"; empty otherwise
};

// @user mentions; mentions of lists are left out.
std::vector<Entity> extract_mentions(std::string_view text);
// @user mentions and @user/list-slug lists (a list's range covers its slug).
std::vector<Entity> extract_mentions_or_lists(std::string_view text);
// The username a post replies to: a mention at the very start (after spaces only).
std::optional<std::string> extract_reply_username(std::string_view text);
// URLs with a protocol (http, https) and, unless `without_protocol` is false, bare domains
// such as example.com/path. t.co links stop after their slug and query.
std::vector<Entity> extract_urls(std::string_view text, bool without_protocol = true);
// Hashtags; those inside a URL (example.com/#anchor) are left out.
std::vector<Entity> extract_hashtags(std::string_view text);
std::vector<Entity> extract_cashtags(std::string_view text);
// All four kinds in text order. Where two overlap the earlier one wins, as in twitter-text
// (so a URL wins over a hashtag or mention inside it).
std::vector<Entity> extract_entities(std::string_view text);

}  // namespace pipectl::twitter_text
