// The Mastodon API's answers, read into post items (no I/O: the live source and the stored
// layout both hand their bodies to these functions):
//   GET /api/v1/accounts/lookup?acct=...     an Account          -> items::Author
//   GET /api/v1/accounts/:id/statuses        an array of Status  -> items::Post, newest first
// `content` is HTML (html_text.hpp); spoiler_text is the content warning; a reblog is drawn as
// the status it reblogged (items::Repost); custom emoji (":shortcode:" with a picture) become
// entities; polls, preview cards, replies and accepted quotes are kept. Usernames are full
// addresses: an account of the instance itself has a bare `acct` ("ada"), which becomes
// "ada@<instance>".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "items/post.hpp"
#include "json_reader.hpp"
#include "problems.hpp"

namespace pipectl::fetch {

struct StatusesPage {
  std::vector<items::Post> posts;  // in the order of the page (the API gives newest first)
  std::size_t entries = 0;         // how many statuses the array held, read or not
  std::vector<Problem> problems;   // what was wrong in its statuses, each naming the status
  // The id of the page's last (oldest) status: the next page is the one below it (max_id).
  std::optional<std::string> last_id;
};

// `instance` is the server the answer came from, for bare `acct`s; `source` names the file or
// URL in messages. Throws DocumentError when the answer is not an account (not JSON, the
// server's {"error": "..."}, no id).
items::Author parse_mastodon_account(std::string_view json, const std::string& source, const std::string& instance);

// Throws DocumentError when the page as a whole is unusable (not JSON, not an array, the
// server's {"error": "..."}). A status without an id or a readable created_at is skipped;
// anything else wrong in a status (media, a poll, a card, an emoji, invalid characters) is
// dropped or repaired, the status kept, and each is one of `problems`. `fallback_author` stands
// in for a status whose `account` cannot be read.
StatusesPage parse_statuses_page(std::string_view json, const std::string& source, const std::string& instance,
                                 const std::optional<items::Author>& fallback_author = std::nullopt);

// The server's message in an error body ({"error": "Record not found"}), or nullopt when the
// body is not one.
std::optional<std::string> mastodon_error_message(std::string_view body);

}  // namespace pipectl::fetch
