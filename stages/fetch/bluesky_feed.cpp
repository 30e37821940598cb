#include "bluesky_feed.hpp"

#include <algorithm>

#include "bluesky_embeds.hpp"
#include "bluesky_errors.hpp"
#include "bluesky_facets.hpp"
#include "json_reader.hpp"
#include "rfc3339_time.hpp"
#include "text_repair.hpp"
#include "timeline_page.hpp"

namespace pipectl::fetch {

namespace json = boost::json;
using items::Post;

namespace {

constexpr std::string_view reason_repost = "app.bsky.feed.defs#reasonRepost";
constexpr std::string_view reason_pin = "app.bsky.feed.defs#reasonPin";

const json::value* member(const json::value& value, std::string_view name) {
  return value.is_object() ? value.get_object().if_contains(name) : nullptr;
}

std::string string_member(const json::value* value, std::string_view name) {
  const json::value* found = value ? member(*value, name) : nullptr;
  return found && found->is_string() ? std::string(found->get_string()) : std::string();
}

std::optional<std::chrono::sys_seconds> time_member(const json::value* value, std::string_view name) {
  return parse_rfc3339(string_member(value, name));
}

// Where an entry sits in the feed's order (see BlueskyFeedPage::oldest).
std::optional<std::chrono::sys_seconds> sort_time(const json::value& entry) {
  const json::value* reason = member(entry, "reason");
  if (string_member(reason, "$type") == reason_repost) return time_member(reason, "indexedAt");
  const json::value* post = member(entry, "post");
  const json::value* record = post ? member(*post, "record") : nullptr;
  auto created = time_member(record, "createdAt"), indexed = time_member(post, "indexedAt");
  if (created && indexed) return std::min(*created, *indexed);
  return created ? created : indexed;
}

std::chrono::sys_seconds required_time(const json::object& object, std::string_view name, const std::string& where) {
  const std::string text = required_string(object, name);
  auto time = parse_rfc3339(text);
  if (!time) throw FieldError(where + " '" + text + "' is not an RFC 3339 time like 2026-11-24T14:05:09.000Z");
  return *time;
}

void read_metrics(const json::object& view, Post& post, PostProblems& problems) {
  try {
    auto count = [&](const char* name) { return std::max<std::int64_t>(0, optional_integer(view, name)); };
    post.metrics.replies = count("replyCount");
    post.metrics.reposts = count("repostCount");
    post.metrics.likes = count("likeCount");
    post.metrics.quotes = count("quoteCount");
  } catch (const FieldError& error) {
    post.metrics = {};
    problems.add(problem::bad_field, std::string("counts: ") + error.what());
  }
}

// The post this one answers: the feed's hydrated parent when the entry has it (with its
// author), else the record's own reference. A parent deleted or hidden by a block is a reply
// without an author ("Replying to a post").
void read_reply(const json::object& entry, const json::object& record, Post& post, PostProblems& problems) {
  items::ReferencedPost reply;
  reply.type = "replied_to";
  const json::value* reply_view = entry.if_contains("reply");
  const json::value* parent = reply_view ? member(*reply_view, "parent") : nullptr;
  if (parent && parent->is_object()) {
    const json::object& view = parent->get_object();
    const std::string type = string_member(parent, "$type");
    reply.id = string_member(parent, "uri");
    if (type == "app.bsky.feed.defs#postView" || (type.empty() && view.contains("record"))) {
      try {
        const json::object* author = optional_object(view, "author");
        if (!author) throw FieldError("it has no author");
        reply.author = bluesky_author(*author);
      } catch (const FieldError& error) {
        problems.add(problem::bad_reference, std::string("reply.parent: ") + error.what());
      }
    } else if (type != "app.bsky.feed.defs#notFoundPost" && type != "app.bsky.feed.defs#blockedPost") {
      problems.add(problem::bad_reference, "reply.parent of type '" + type + "' is not known (drawn as a reply to a post)");
    }
  }
  if (reply.id.empty()) {
    const json::value* reference = record.if_contains("reply");
    if (!reference || reference->is_null()) return;  // not a reply
    reply.id = string_member(member(*reference, "parent"), "uri");
    if (reply.id.empty()) {
      problems.add(problem::bad_reference, "record.reply has no parent uri");
      return;
    }
  }
  post.referenced.push_back(std::move(reply));
}

// The post view of an entry: its content, its author, its place in time. `entities` are its
// facets, read beforehand from the text as it came. Throws FieldError when there is no post to
// show (no uri, no record, no createdAt).
Post read_post_view(const json::object& entry, std::vector<items::Entity> entities,
                    const std::optional<items::Author>& fallback_author, const std::string& source,
                    PostProblems& problems) {
  const json::object* view = optional_object(entry, "post");
  if (!view) throw FieldError("the entry has no post");
  Post post;
  post.source = source;
  post.id = required_string(*view, "uri");
  const json::object* record = optional_object(*view, "record");
  if (!record) throw FieldError("the post has no record");
  post.created_at = required_time(*record, "createdAt", "record.createdAt");
  post.text = optional_string(*record, "text");  // may be empty when the post embeds something
  post.entities = std::move(entities);
  post.entities_complete = true;  // the facets are all there is
  for (const std::string& reason : drop_bad_entities(post.text, post.entities))
    problems.add(problem::bad_entities, reason);
  keep_text_within_limit(post, problems);
  if (const json::value* langs = record->if_contains("langs"); langs && langs->is_array() && !langs->get_array().empty())
    if (const json::value& first = langs->get_array().front(); first.is_string()) post.lang = std::string(first.get_string());

  try {
    const json::object* author = optional_object(*view, "author");
    if (!author) throw FieldError("the post has no author");
    post.author = bluesky_author(*author);
  } catch (const FieldError& error) {
    if (fallback_author) {
      post.author = *fallback_author;
    } else {
      problems.add(problem::no_author, error.what());
    }
  }
  read_metrics(*view, post, problems);
  if (const json::value* embed = view->if_contains("embed")) read_embed_view(*embed, post, problems);
  read_reply(entry, *record, post, problems);
  return post;
}

// A repost: the original, drawn under a line naming who reposted it, in the day where the
// repost happened. Its id is the repost record's (the same post may be reposted twice).
Post as_repost(Post original, const json::object& reason, const PostProblems& original_problems,
               PostProblems& problems) {
  Post repost;
  repost.source = original.source;
  const json::object* by = optional_object(reason, "by");
  if (!by) throw FieldError("reason.by is missing");
  repost.author = bluesky_author(*by);
  repost.created_at = required_time(reason, "indexedAt", "reason.indexedAt");
  repost.id = optional_string(reason, "uri");
  if (repost.id.empty())
    repost.id = original.id + " reposted at " + required_string(reason, "indexedAt");
  become_original(repost, std::move(original), original_problems, problems);
  return repost;
}

// Reads one entry of the feed into `page`: `raw` as it came (for the facets), `entry` a copy
// whose strings this repairs.
void read_entry(const json::value& raw, json::value& entry, const std::string& source,
                const std::optional<items::Author>& fallback_author, BlueskyFeedPage& page) {
  const json::value* post_view = member(raw, "post");
  std::string name = post_view && !string_member(post_view, "uri").empty() ? "post " + string_member(post_view, "uri")
                                                                          : "feed[" + std::to_string(page.entries) + "]";
  const json::value* reason = member(raw, "reason");
  const bool has_reason = reason && !reason->is_null();
  const std::string reason_type = string_member(reason, "$type");
  if (reason_type == reason_pin) return;  // the pinned post also has its own place in the feed
  if (auto time = sort_time(raw)) page.oldest = page.oldest ? std::min(*page.oldest, *time) : *time;

  PostProblems problems;
  PostProblems content_problems;  // the post's own (a repost's original's, named as such)
  try {
    if (has_reason && reason_type != reason_repost)
      throw FieldError("its reason '" + reason_type + "' is not a repost or a pin");
    // Facets count bytes of the text as it came: read them before invalid bytes are replaced.
    const json::value* record = post_view ? member(*post_view, "record") : nullptr;
    const json::value* text = record ? member(*record, "text") : nullptr;
    const json::value* facets = record ? member(*record, "facets") : nullptr;
    std::vector<items::Entity> entities;
    if (text && text->is_string() && facets)
      entities = facet_entities(std::string(text->get_string()), *facets, content_problems);
    if (int replaced = repair_strings(entry))
      problems.add(problem::invalid_text, std::to_string(replaced) + " invalid characters (lone UTF-16 surrogates or bytes "
                                          "that are not UTF-8)");
    const json::object& object = as_object(entry, name);
    // A repost's original is someone else's: the handle's profile cannot stand in for its author.
    Post post = read_post_view(object, std::move(entities), has_reason ? std::nullopt : fallback_author, source,
                               content_problems);
    if (has_reason) {
      post = as_repost(std::move(post), object.at("reason").get_object(), content_problems, problems);
    } else {
      problems.merge(content_problems, "");
    }
    page.posts.push_back(std::move(post));
  } catch (const FieldError& error) {
    page.problems.push_back({problem::post_skipped, source + ": " + name + ": " + error.what() + " (post skipped)"});
    return;
  }
  problems.report(source + ": " + name, page.problems);
}

}  // namespace

BlueskyFeedPage parse_bluesky_feed(std::string_view text, const std::string& source,
                                   const std::optional<items::Author>& fallback_author) {
  json::value document = parse_json(text, source);
  if (!document.is_object())
    throw DocumentError(source + ": expected a response object with 'feed', not " + kind_name(document.kind()));
  const json::object& response = document.get_object();
  const json::value* feed = response.if_contains("feed");
  if (!feed) {
    if (auto error = read_xrpc_error(response))
      throw DocumentError(source + ": Bluesky answered with an error: " + error->error + ": " + error->message);
    throw DocumentError(source + ": the response has no 'feed'");
  }
  if (!feed->is_array())
    throw DocumentError(source + ": field 'feed' should be an array of entries, not " + kind_name(feed->kind()));
  BlueskyFeedPage page;
  if (const json::value* cursor = response.if_contains("cursor"); cursor && cursor->is_string() && !cursor->get_string().empty())
    page.cursor = std::string(cursor->get_string());
  // Strings are repaired in a copy, entry by entry, so each repair names its post.
  json::value copy = *feed;
  const json::array& raw = feed->get_array();
  json::array& entries = copy.get_array();
  for (; page.entries < raw.size(); ++page.entries) read_entry(raw[page.entries], entries[page.entries], source, fallback_author, page);
  return page;
}

items::Author parse_bluesky_profile(std::string_view text, const std::string& source) {
  json::value document = parse_json(text, source);
  if (!document.is_object()) throw DocumentError(source + ": expected a profile object");
  if (auto error = read_xrpc_error(document.get_object()))
    throw DocumentError(source + ": Bluesky answered with an error: " + error->error + ": " + error->message);
  repair_strings(document);
  try {
    return bluesky_author(document.get_object());
  } catch (const FieldError& error) {
    throw DocumentError(source + ": profile: " + error.what());
  }
}

}  // namespace pipectl::fetch
