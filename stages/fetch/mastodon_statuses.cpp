#include "mastodon_statuses.hpp"

#include <algorithm>
#include <map>

#include "html_text.hpp"
#include "rfc3339_time.hpp"
#include "text_repair.hpp"
#include "timeline_page.hpp"

namespace pipectl::fetch {

namespace json = boost::json;
using items::Author;
using items::Entity;
using items::EntityKind;
using items::Post;

namespace {

// Field accessors for what this file reads beyond json_reader's.
bool optional_bool(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (!value || value->is_null()) return false;
  if (!value->is_bool()) throw FieldError("field '" + std::string(name) + "' should be a boolean, not " + kind_name(value->kind()));
  return value->get_bool();
}

// A count that may be null (hidden, not published yet): nullopt then.
std::optional<std::int64_t> nullable_count(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (!value || value->is_null()) return std::nullopt;
  return std::max<std::int64_t>(0, optional_integer(object, name));
}

int dimension(const json::object& object, std::string_view name) {
  return static_cast<int>(std::clamp<std::int64_t>(optional_integer(object, name), 0, 1 << 20));
}

// "ada" (an account of the instance answering) becomes "ada@instance"; "bob@elsewhere" stays.
std::string full_address(const std::string& acct, const std::string& instance) {
  if (acct.find('@') != std::string::npos || instance.empty()) return acct;
  return acct + "@" + instance;
}

Author parse_account(const json::object& account, const std::string& instance) {
  Author author;
  author.id = required_string(account, "id");
  std::string acct = optional_string(account, "acct");
  const std::string username = optional_string(account, "username");
  if (acct.empty()) acct = username;
  if (acct.empty()) throw FieldError("missing field 'acct'");
  author.username = full_address(acct, instance);
  author.name = optional_string(account, "display_name");
  if (author.name.empty()) author.name = username.empty() ? acct : username;
  author.avatar_url = optional_string(account, "avatar_static");
  if (author.avatar_url.empty()) author.avatar_url = optional_string(account, "avatar");
  return author;
}

// Code point index of each byte of `text` that starts one, plus the total at the end.
std::vector<int> code_point_index(const std::string& text) {
  std::vector<int> index(text.size() + 1, 0);
  int count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    index[i] = count;
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++count;
  }
  index[text.size()] = count;
  return index;
}

bool is_shortcode_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The status's custom emoji: every ":shortcode:" of the text that `emojis` names and that is
// not inside another entity (a link) becomes an entity drawn as its picture. A shortcode the
// list does not name stays text, as Mastodon's web UI leaves it.
void read_custom_emoji(const json::object& status, Post& post, PostProblems& problems) {
  const json::array* emojis = nullptr;
  try {
    emojis = optional_array(status, "emojis");
  } catch (const FieldError& error) {
    problems.add(problem::bad_entities, error.what());
  }
  if (!emojis) return;
  std::map<std::string, std::string> pictures;
  for (std::size_t i = 0; i < emojis->size(); ++i) {
    try {
      const json::object& emoji = as_object((*emojis)[i], "emojis[" + std::to_string(i) + "]");
      std::string shortcode = required_string(emoji, "shortcode");
      std::string picture = optional_string(emoji, "static_url");
      if (picture.empty()) picture = optional_string(emoji, "url");
      if (picture.empty()) throw FieldError("custom emoji '" + shortcode + "' has no url");
      pictures.emplace(std::move(shortcode), std::move(picture));
    } catch (const FieldError& error) {
      problems.add(problem::bad_entities, std::string("emojis[") + std::to_string(i) + "]: " + error.what());
    }
  }
  if (pictures.empty()) return;

  const std::string& text = post.text;
  const std::vector<int> index = code_point_index(text);
  const std::vector<Entity> others = post.entities;
  auto inside_another = [&](int start, int end) {
    return std::any_of(others.begin(), others.end(), [&](const Entity& other) { return start < other.end && other.start < end; });
  };
  for (std::size_t at = text.find(':'); at != std::string::npos; at = text.find(':', at)) {
    std::size_t end = at + 1;
    while (end < text.size() && is_shortcode_char(text[end])) ++end;
    if (end == at + 1 || end >= text.size() || text[end] != ':') {
      at = end;  // the next ':' may open one
      continue;
    }
    const std::string shortcode = text.substr(at + 1, end - at - 1);
    auto picture = pictures.find(shortcode);
    const int start = index[at], stop = index[end + 1];
    if (picture == pictures.end() || inside_another(start, stop)) {
      at = end;  // its closing ':' may open the next one
      continue;
    }
    Entity entity;
    entity.kind = EntityKind::custom_emoji;
    entity.start = start;
    entity.end = stop;
    entity.text = shortcode;
    entity.image_url = picture->second;
    post.entities.push_back(std::move(entity));
    at = end + 1;
  }
}

// The text, the entities and the custom emoji of `content`.
void read_text(const json::object& status, Post& post, PostProblems& problems, bool shows_quote) {
  std::string content;
  try {
    content = optional_string(status, "content");
  } catch (const FieldError& error) {
    problems.add(problem::bad_field, error.what());
  }
  HtmlText read = html_to_text(content, HtmlTextOptions{shows_quote});
  if (read.cut)
    problems.add(problem::oversized_text, "its content has " + std::to_string(content.size()) +
                                              " bytes of HTML; the first " + std::to_string(max_html_bytes) +
                                              " are read");
  post.text = std::move(read.text);
  post.entities = std::move(read.entities);
  post.entities_complete = true;  // the HTML marks every link, mention and tag
  read_custom_emoji(status, post, problems);
  for (const std::string& reason : drop_bad_entities(post.text, post.entities)) problems.add(problem::bad_entities, reason);
  keep_text_within_limit(post, problems);
}

items::MediaRef parse_attachment(const json::object& attachment) {
  items::MediaRef media;
  media.key = required_string(attachment, "id");
  const std::string type = required_string(attachment, "type");
  // Videos and GIFs are shown by their preview picture; a picture still being processed has
  // only its preview.
  if (type == "image") {
    media.type = "photo";
    media.url = optional_string(attachment, "url");
    if (media.url.empty()) media.url = optional_string(attachment, "preview_url");
  } else if (type == "gifv" || type == "video") {
    media.type = type == "gifv" ? "animated_gif" : "video";
    media.url = optional_string(attachment, "preview_url");
  } else {
    throw FieldError("an attachment of type '" + type + "' (not a picture, GIF or video)");
  }
  if (media.url.empty()) throw FieldError("no picture to show (url and preview_url are empty)");
  if (const json::object* meta = optional_object(attachment, "meta"))
    if (const json::object* original = optional_object(*meta, "original")) {
      media.width = dimension(*original, "width");
      media.height = dimension(*original, "height");
    }
  media.alt_text = optional_string(attachment, "description");
  return media;
}

void read_media(const json::object& status, Post& post, PostProblems& problems) {
  const json::array* attachments = nullptr;
  try {
    attachments = optional_array(status, "media_attachments");
  } catch (const FieldError& error) {
    problems.add(problem::bad_media, error.what());
  }
  if (!attachments) return;
  for (std::size_t i = 0; i < attachments->size(); ++i) {
    const std::string where = "media_attachments[" + std::to_string(i) + "]";
    try {
      post.media.push_back(parse_attachment(as_object((*attachments)[i], where)));
    } catch (const FieldError& error) {
      problems.add(problem::bad_media, where + ": " + error.what());
    }
  }
  keep_first_media(post.media, problems);
}

items::Poll parse_poll(const json::object& poll) {
  items::Poll result;
  const json::array* options = optional_array(poll, "options");
  if (!options || options->empty()) throw FieldError("a poll without options");
  for (std::size_t i = 0; i < options->size(); ++i) {
    const json::object& option = as_object((*options)[i], "options[" + std::to_string(i) + "]");
    result.options.push_back({required_string(option, "title"), nullable_count(option, "votes_count")});
  }
  result.multiple = optional_bool(poll, "multiple");
  result.closed = optional_bool(poll, "expired");
  // voters_count is null for a single-choice poll, where each voter cast one vote.
  result.voters = nullable_count(poll, "voters_count");
  if (!result.voters && !result.multiple) result.voters = nullable_count(poll, "votes_count");
  return result;
}

items::LinkCard parse_card(const json::object& card) {
  items::LinkCard link;
  link.url = required_string(card, "url");
  if (link.url.empty()) throw FieldError("a card without its url");
  link.title = optional_string(card, "title");
  link.description = optional_string(card, "description");
  link.thumb_url = optional_string(card, "image");
  return link;
}

// A part of the status (poll, card, counts) read by `read`, or dropped and noted.
template <class Read>
void read_part(const char* name, PostProblems& problems, Read read) {
  try {
    read();
  } catch (const FieldError& error) {
    problems.add(problem::bad_field, std::string(name) + ": " + error.what());
  }
}

void read_metrics(const json::object& status, Post& post, PostProblems& problems) {
  read_part("counts", problems, [&] {
    auto count = [&](const char* name) { return std::max<std::int64_t>(0, optional_integer(status, name)); };
    post.metrics.replies = count("replies_count");
    post.metrics.reposts = count("reblogs_count");
    post.metrics.likes = count("favourites_count");
    post.metrics.quotes = count("quotes_count");
  });
}

// The reply: to which status, and to whom when the status says (the account it answers is one
// it mentions, or its own: a thread).
void read_reply(const json::object& status, Post& post, PostProblems& problems) {
  try {
    const std::string to = optional_string(status, "in_reply_to_id");
    if (to.empty()) return;
    items::ReferencedPost reply;
    reply.type = "replied_to";
    reply.id = to;
    const std::string account = optional_string(status, "in_reply_to_account_id");
    if (!account.empty() && account == post.author.id) reply.author = post.author;
    const json::value* mentions = status.if_contains("mentions");
    if (mentions && mentions->is_array() && !account.empty() && !reply.author)
      for (const auto& entry : mentions->get_array()) {
        if (!entry.is_object()) continue;
        const json::object& mention = entry.get_object();
        const json::value* id = mention.if_contains("id");
        if (!id || !id->is_string() || id->get_string() != account) continue;
        Author author;
        author.id = account;
        author.username = optional_string(mention, "acct");
        if (!author.username.empty()) reply.author = std::move(author);
        break;
      }
    post.referenced.push_back(std::move(reply));
  } catch (const FieldError& error) {
    problems.add(problem::bad_reference, std::string("the reply: ") + error.what());
  }
}

// Mastodon 4.4+: `quote` is a Quote (state, quoted_status) or a ShallowQuote (state,
// quoted_status_id). Only an accepted quote is shown, as Mastodon shows it.
std::optional<items::ReferencedPost> accepted_quote(const json::object& status, const std::string& instance) {
  const json::object* quote = optional_object(status, "quote");
  if (!quote || optional_string(*quote, "state") != "accepted") return std::nullopt;
  items::ReferencedPost reference;
  reference.type = "quoted";
  if (const json::object* quoted = optional_object(*quote, "quoted_status")) {
    reference.id = required_string(*quoted, "id");
    std::string content = optional_string(*quoted, "content");
    // The quoted status's card shows its text only: links as Mastodon shows them.
    reference.text = shown_text(html_to_text(content));
    if (const json::object* account = optional_object(*quoted, "account")) reference.author = parse_account(*account, instance);
  } else {
    reference.id = optional_string(*quote, "quoted_status_id");
  }
  if (reference.id.empty()) return std::nullopt;  // the quoted status is gone
  return reference;
}

// Only a status without an id or a time is skipped (FieldError); anything else wrong is
// dropped from it and noted in `problems`. A reblogged status (`nested`) also needs its
// account: without it the reblog is drawn as itself.
Post parse_status(const json::object& status, const std::string& instance, const std::optional<Author>& fallback_author,
                  const std::string& source, PostProblems& problems, bool nested = false) {
  Post post;
  post.source = source;
  post.id = required_string(status, "id");
  const std::string created_at = required_string(status, "created_at");
  auto time = parse_rfc3339(created_at);
  if (!time) throw FieldError("created_at '" + created_at + "' is not a time like 2026-11-24T14:05:09.000Z");
  post.created_at = *time;

  try {
    const json::object* account = optional_object(status, "account");
    if (!account) throw FieldError("missing field 'account'");
    post.author = parse_account(*account, instance);
  } catch (const FieldError& error) {
    if (nested) throw FieldError(std::string("its account: ") + error.what());
    if (fallback_author) post.author = *fallback_author;
    else problems.add(problem::no_author, std::string("its account: ") + error.what());
  }

  std::optional<items::ReferencedPost> quote;
  try {
    quote = accepted_quote(status, instance);
  } catch (const FieldError& error) {
    problems.add(problem::bad_reference, std::string("the quote: ") + error.what());
  }
  read_text(status, post, problems, quote.has_value());
  read_part("spoiler_text", problems, [&] { post.content_warning = optional_string(status, "spoiler_text"); });
  read_part("language", problems, [&] { post.lang = optional_string(status, "language"); });
  read_media(status, post, problems);
  read_part("poll", problems, [&] {
    if (const json::object* poll = optional_object(status, "poll")) post.poll = parse_poll(*poll);
  });
  read_part("card", problems, [&] {
    if (const json::object* card = optional_object(status, "card")) post.link = parse_card(*card);
  });
  read_reply(status, post, problems);
  if (quote) post.referenced.push_back(std::move(*quote));
  read_metrics(status, post, problems);
  return post;
}

// A reblog is drawn as the status it reblogged; it keeps its own id and time, its place in the
// handle's day. Without a readable original it stays itself, a reference to what it reblogged.
void show_reblogged(const json::object& status, Post& post, const std::string& instance, const std::string& source,
                    PostProblems& problems) {
  const json::value* reblog = status.if_contains("reblog");
  if (!reblog || reblog->is_null()) return;
  items::ReferencedPost reference;
  reference.type = "retweeted";
  try {
    const json::object& original = as_object(*reblog, "reblog");
    reference.id = optional_string(original, "id");
    PostProblems original_problems;
    Post shown = parse_status(original, instance, std::nullopt, source, original_problems, true);
    become_original(post, std::move(shown), original_problems, problems);
  } catch (const FieldError& error) {
    problems.add(problem::bad_reference, std::string("the reblogged status: ") + error.what() +
                                             " (drawn as the reblog itself)");
    post.referenced.push_back(std::move(reference));
  }
}

// {"error": "..."}: the server's refusal, wherever a body should have been something else.
std::optional<std::string> error_of(const json::value& document) {
  if (!document.is_object()) return std::nullopt;
  const json::value* error = document.get_object().if_contains("error");
  if (!error || !error->is_string()) return std::nullopt;
  std::string message(error->get_string());
  if (const json::value* detail = document.get_object().if_contains("error_description"); detail && detail->is_string())
    message.append(": ").append(detail->get_string());
  return message;
}

}  // namespace

std::optional<std::string> mastodon_error_message(std::string_view body) {
  try {
    json::value document = parse_json(body, "answer");
    std::optional<std::string> message = error_of(document);
    if (message) repair_utf8(*message);
    return message;
  } catch (const DocumentError&) {
    return std::nullopt;
  }
}

Author parse_mastodon_account(std::string_view text, const std::string& source, const std::string& instance) {
  json::value document = parse_json(text, source);
  repair_strings(document);
  if (std::optional<std::string> error = error_of(document); error && !document.get_object().contains("id"))
    throw DocumentError(source + ": the server answered with an error: " + *error);
  if (!document.is_object()) throw DocumentError(source + ": expected an account object, not " + kind_name(document.kind()));
  try {
    return parse_account(document.get_object(), instance);
  } catch (const FieldError& error) {
    throw DocumentError(source + ": account: " + error.what());
  }
}

StatusesPage parse_statuses_page(std::string_view text, const std::string& source, const std::string& instance,
                                 const std::optional<Author>& fallback_author) {
  json::value document = parse_json(text, source);
  if (std::optional<std::string> error = error_of(document))
    throw DocumentError(source + ": the server answered with an error: " + *error);
  if (!document.is_array())
    throw DocumentError(source + ": expected an array of statuses, not " + kind_name(document.kind()));
  StatusesPage page;
  json::array& statuses = document.get_array();
  page.entries = statuses.size();
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    json::value& entry = statuses[i];
    std::string name = "statuses[" + std::to_string(i) + "]";
    if (entry.is_object())
      if (const json::value* id = entry.get_object().if_contains("id"); id && id->is_string()) {
        name = "status " + std::string(id->get_string());
        page.last_id = std::string(id->get_string());
      }
    PostProblems problems;
    if (int replaced = repair_strings(entry))
      problems.add(problem::invalid_text, std::to_string(replaced) + " invalid characters (bytes that are not UTF-8)");
    try {
      const json::object& status = as_object(entry, name);
      Post post = parse_status(status, instance, fallback_author, source, problems);
      show_reblogged(status, post, instance, source, problems);
      page.posts.push_back(std::move(post));
    } catch (const FieldError& error) {
      page.problems.push_back({problem::post_skipped, source + ": " + name + ": " + error.what() + " (post skipped)"});
      continue;
    }
    problems.report(source + ": " + name, page.problems);
  }
  return page;
}

}  // namespace pipectl::fetch
