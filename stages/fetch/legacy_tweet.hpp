// One legacy tweet object (the REST v1.1 model, which the official X archive's data/tweets.js
// still uses) into a post item shaped as the X API v2 path makes it: the same text (HTML
// entities decoded, offsets moved), entities in reading order with the photo's t.co link as a
// URL entity, media keys as v2 names them ("3_<id>" photo, "7_<id>" video, "16_<id>" GIF),
// and references typed "retweeted", "quoted", "replied_to".
//
// The archive writes every number as a string ("indices": ["0", "7"], "favorite_count": "3");
// v1.1 writes numbers: both are read. `full_text` is the text (`text` in v1.1 compat mode).
// `display_text_range` is not applied: the v2 text keeps leading @replies and the photo's
// t.co link too, and cards are drawn from that whole text.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "items/post.hpp"
#include "problems.hpp"

namespace pipectl::fetch {

// Throws FieldError (json_reader.hpp) naming the field when the tweet has no id, no time or no
// text; anything else wrong (an entity, a media entry, a count) is dropped and noted in
// `problems`. A v1.1 retweet with its retweeted_status is the original post (items::Repost). The
// author is the account the tweet belongs to: archive tweets do not carry their user. Media
// URLs are the https ones (the archive reader swaps in local files). An archive retweet
// ("RT @name: ..." with no retweeted_status) references the retweeted account with an empty
// post id: the archive does not say which post it was.
items::Post parse_legacy_tweet(const boost::json::object& tweet, const items::Author& author,
                               const std::string& source, PostProblems& problems);

// "Tue Nov 24 14:05:09 +0000 2026", the v1.1 created_at; nullopt when malformed.
std::optional<std::chrono::sys_seconds> parse_legacy_time(const std::string& text);

}  // namespace pipectl::fetch
