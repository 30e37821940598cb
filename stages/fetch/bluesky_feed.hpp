// The Bluesky response parser (no I/O): a GET app.bsky.actor.getProfile answer into the
// account, one GET app.bsky.feed.getAuthorFeed page into post items. The live source and the
// stored datasets both go through it. Lexicons, facets and examples:
// ../shared/reference/bluesky/.
//
// A feed entry (app.bsky.feed.defs#feedViewPost) is one of:
//   a post of the handle's   post.uri, record.createdAt, record.text with its facets
//                            (bluesky_facets.hpp), post.embed (bluesky_embeds.hpp), its counts,
//                            and `reply.parent` (or the record's reply) as a "replied_to" reference
//   a repost (#reasonRepost) drawn as the original post (items::Repost: by = reason.by), placed
//                            in the day at reason.indexedAt, with an id of its own (the repost
//                            record's uri)
//   a pinned post (#reasonPin), which is left out: it shows again in its own place in the feed
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "items/post.hpp"
#include "problems.hpp"

namespace pipectl::fetch {

struct BlueskyFeedPage {
  std::vector<items::Post> posts;  // in the page's order (newest first); pins left out
  std::size_t entries = 0;         // how many entries `feed` held, read or not
  std::vector<Problem> problems;   // what was wrong in its entries, each naming the post
  std::optional<std::string> cursor;  // the next page's, absent on the last page
  // When the page's oldest entry (pins aside) took its place in the feed, which is ordered by
  // it: a repost's indexedAt, a post's createdAt or indexedAt, whichever is earlier. A source
  // pages back until this is before the day. nullopt when no entry says.
  std::optional<std::chrono::sys_seconds> oldest;
};

// `source` names the file or URL in messages. Throws DocumentError when the page as a whole is
// unusable (not JSON, an XRPC error object, `feed` not an array). An entry without a post uri,
// a record or its createdAt is skipped; anything else wrong in it (a facet, an embed, a count,
// invalid characters) is dropped or repaired, the post kept, and each is one of `problems`.
// `fallback_author` stands in for a post whose author view is missing.
BlueskyFeedPage parse_bluesky_feed(std::string_view json, const std::string& source,
                                   const std::optional<items::Author>& fallback_author = std::nullopt);

// The account (app.bsky.actor.defs#profileViewDetailed). Throws DocumentError naming the source
// when the answer is malformed or an XRPC error object.
items::Author parse_bluesky_profile(std::string_view json, const std::string& source);

}  // namespace pipectl::fetch
