// The X API v2 response parser: one GET /2/users/:id/tweets page (or a GET
// /2/users/by/username/:username response) into post items. The stored sample data, the live
// client and twarc2 files all go through these functions; the archive reader shares the
// HTML-entity decoding.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "items/post.hpp"
#include "json_reader.hpp"
#include "problems.hpp"

namespace pipectl::fetch {

// An entry of the response's "errors" array.
struct ApiError {
  std::string title;
  std::string detail;
  std::string resource_type;  // "user", "tweet", ...
  std::string resource_id;
  std::string type;           // problem URI
};

struct TimelinePage {
  std::vector<items::Post> posts;  // in the order of the page (the API gives newest first)
  std::size_t entries = 0;         // how many posts 'data' held, read or not
  std::vector<Problem> problems;   // what was wrong in its posts, each naming the post
  std::vector<ApiError> errors;
  std::optional<std::string> next_token;
};

// `source` names the file or URL in messages. Throws DocumentError when the page as a whole
// is unusable (not JSON, not an object, 'data' not an array). A post without an id, a time or
// a text is skipped; anything else wrong in a post (an entity, a media key, a reference,
// invalid characters) is dropped or repaired, the post kept, and each is one of `problems`.
// A repost whose original the page includes is the original (items::Repost). `fallback_author` is used when the page
// does not include the author of a post.
TimelinePage parse_timeline_page(std::string_view json, const std::string& source,
                                 const std::optional<items::Author>& fallback_author = std::nullopt);
// The same for a page already parsed (one line of a JSONL file, whose syntax errors the caller
// reports with its own line number).
TimelinePage parse_timeline_page(const boost::json::value& page, const std::string& source,
                                 const std::optional<items::Author>& fallback_author = std::nullopt);

// The page's "result_count" (in meta), read from its text without parsing it: how many posts a
// page that cannot be parsed held. nullopt when the text does not say.
std::optional<long> result_count_in(std::string_view page_text);

// The user object of GET /2/users/by/username/:username. Throws DocumentError naming the
// source when the response is an error (unknown or suspended user) or malformed.
items::Author parse_user_response(std::string_view json, const std::string& source);

// "2026-11-24T14:05:09.000Z" (RFC 3339 in UTC, as the API writes it); nullopt when malformed.
std::optional<std::chrono::sys_seconds> parse_api_time(const std::string& text);

// The X API escapes &, < and > in post text as HTML entities. When `positions` is given, it
// receives for each code point of `text` the index of the code point it became in the result,
// plus one last entry: the decoded length in code points.
std::string decode_html_entities(const std::string& text, std::vector<int>* positions = nullptr);

// One list of a post's `entities` object: "hashtags" of kind hashtag, text in "tag".
struct EntityList {
  const char* array;
  items::EntityKind kind;
  const char* text_field;
};

// Reads the entities of `lists` from `entities` (v2 and v1.1 differ only in their lists and in
// how a range is written: `read_range` gives [start, end) or throws FieldError). A list or
// entry that cannot be read is noted in `problems` and skipped.
void read_entity_lists(const boost::json::object& entities, std::span<const EntityList> lists,
                       const std::function<std::pair<int, int>(const boost::json::object&, const std::string&)>& read_range,
                       std::vector<items::Entity>& out, PostProblems& problems);

// Makes `repost` the `original` it reposted: the original's content in the repost's place in
// the day (id, created_at), with items::Repost naming who reposted; the original's problems
// join the repost's, prefixed with its id.
void become_original(items::Post& repost, items::Post original, const PostProblems& original_problems,
                     PostProblems& problems);

// Drops the entities whose range is not within `text` (offsets in code points), is empty, or
// overlaps an earlier one, and sorts the rest in reading order; returns why each was dropped.
std::vector<std::string> drop_bad_entities(const std::string& text, std::vector<items::Entity>& entities);

// Decodes a post's text and moves its entities' offsets (code points of the escaped text, as
// the X API v2 and v1.1 both count them) to the same characters in the decoded text.
void decode_post_text(std::string& text, std::vector<items::Entity>& entities);

}  // namespace pipectl::fetch
