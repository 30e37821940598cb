// Numbers as a card shows them: footer counts ("1,234 likes", "12.3K reposts"), the note
// under a cut post ("… 1,234 more characters") and a poll's figures ("42%", "1,234 people").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "items/post.hpp"

namespace pipectl::render {

// 0 to 9,999 in full with a comma ("1,234"); then "12.3K", "123K", "1.2M", "12M", "1.2B".
std::string compact_count(std::int64_t count);

// "1,234,567": every digit, grouped by thousands. Counts are never negative; one that is
// shows as 0.
std::string grouped_count(std::int64_t count);

// "12 replies · 3 reposts · 1,234 likes · 2 quotes", leaving out zero counts; empty when all
// are zero (sources without counts, such as archives, show no footer).
std::string footer_text(const items::Metrics& metrics);

// What a day held, for the title and end cards and their captions: "12 posts", or with
// reposts of other people's posts "12 posts · 3 reposts" (every digit, as grouped_count).
std::string day_posts_text(std::int64_t posts, std::int64_t reposts);

// "… 1,234 more characters" (or "1 more character").
std::string cut_note(int characters);

// A share (0 to 1) as a whole percentage, as Mastodon rounds it: "42%".
std::string percent_text(double share);

// The line under a poll: "… 3 more options" when `hidden` options did not fit, "1,234 people"
// when the voters are known, "Final results" when it is `closed`, joined by " · "; empty when
// there is none of them.
std::string poll_summary(std::optional<std::int64_t> voters, int hidden, bool closed);

}  // namespace pipectl::render
