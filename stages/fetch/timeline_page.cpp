#include "timeline_page.hpp"

#include "rfc3339_time.hpp"
#include "text_repair.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace pipectl::fetch {

namespace json = boost::json;
using items::Author;
using items::Entity;
using items::EntityKind;
using items::Post;

namespace {

Author parse_author(const json::object& user) {
  Author author;
  author.id = required_string(user, "id");
  author.username = required_string(user, "username");
  author.name = optional_string(user, "name");
  if (author.name.empty()) author.name = author.username;
  author.avatar_url = optional_string(user, "profile_image_url");
  return author;
}

// Offsets far outside any text are bad ranges, not numbers to wrap around an int.
int clamp_offset(std::int64_t offset) { return static_cast<int>(std::clamp<std::int64_t>(offset, -1, 1 << 24)); }

void parse_entities(const json::object& entities, std::vector<Entity>& out, PostProblems& problems) {
  static const EntityList lists[] = {{"hashtags", EntityKind::hashtag, "tag"},
                                     {"mentions", EntityKind::mention, "username"},
                                     {"urls", EntityKind::url, "url"},
                                     {"cashtags", EntityKind::cashtag, "tag"}};
  read_entity_lists(entities, lists, [](const json::object& entry, const std::string&) {
    return std::pair{clamp_offset(optional_integer(entry, "start")), clamp_offset(optional_integer(entry, "end"))};
  }, out, problems);
}

struct Includes {
  std::map<std::string, Author> users;
  std::map<std::string, const json::object*> media;
  std::map<std::string, const json::object*> tweets;
};

// Repairs the strings of every entry of includes.<list> (reported under `where`), then indexes them.
void repair_included(json::array& list, const char* name, std::vector<Problem>& problems, const std::string& source) {
  for (size_t i = 0; i < list.size(); ++i)
    if (int replaced = repair_strings(list[i]))
      problems.push_back({problem::invalid_text, source + ": includes." + name + "[" + std::to_string(i) + "]: " +
                                                     std::to_string(replaced) + " invalid characters, replaced by U+FFFD"});
}

Includes read_includes(const json::object& page) {
  Includes includes;
  const json::value* value = page.if_contains("includes");
  if (!value || !value->is_object()) return includes;
  const json::object& object = value->get_object();
  auto list = [&](const char* name) -> const json::array* {
    const json::value* entry = object.if_contains(name);
    return entry && entry->is_array() ? &entry->get_array() : nullptr;
  };
  if (const json::array* users = list("users"))
    for (const auto& user : *users) {
      // A malformed included user only loses the author line of the posts that need it.
      if (!user.is_object()) continue;
      try {
        Author author = parse_author(user.get_object());
        includes.users[author.id] = author;
      } catch (const FieldError&) {
      }
    }
  if (const json::array* media = list("media"))
    for (const auto& entry : *media)
      if (entry.is_object())
        if (const json::value* key = entry.get_object().if_contains("media_key"); key && key->is_string())
          includes.media[std::string(key->get_string())] = &entry.get_object();
  if (const json::array* tweets = list("tweets"))
    for (const auto& entry : *tweets)
      if (entry.is_object())
        if (const json::value* id = entry.get_object().if_contains("id"); id && id->is_string())
          includes.tweets[std::string(id->get_string())] = &entry.get_object();
  return includes;
}

items::MediaRef parse_media(const json::object& media) {
  items::MediaRef ref;
  ref.key = required_string(media, "media_key");
  ref.type = required_string(media, "type");
  // Videos and GIFs are shown by their preview image.
  ref.url = optional_string(media, ref.type == "photo" ? "url" : "preview_image_url");
  ref.width = static_cast<int>(std::clamp<std::int64_t>(optional_integer(media, "width"), 0, 1 << 20));
  ref.height = static_cast<int>(std::clamp<std::int64_t>(optional_integer(media, "height"), 0, 1 << 20));
  ref.alt_text = optional_string(media, "alt_text");
  return ref;
}

// The post's text and entities: note_tweet's when the post is long (`text` is then cut short).
void read_text(const json::object& tweet, Post& post, PostProblems& problems) {
  post.text = required_string(tweet, "text");
  const json::value* entities = tweet.if_contains("entities");
  const json::value* note = tweet.if_contains("note_tweet");
  if (note && !note->is_null()) {
    const json::value* note_text = note->is_object() ? note->get_object().if_contains("text") : nullptr;
    if (note_text && note_text->is_string()) {
      post.text = std::string(note_text->get_string());
      entities = note->get_object().if_contains("entities");
    } else {
      problems.add(problem::bad_field, "note_tweet has no text (the short text is shown)");
    }
  }
  if (entities && entities->is_object()) parse_entities(entities->get_object(), post.entities, problems);
  else if (entities && !entities->is_null()) problems.add(problem::bad_entities, "entities is not an object");
  for (const std::string& reason : drop_bad_entities(post.text, post.entities))
    problems.add(problem::bad_entities, reason);
  decode_post_text(post.text, post.entities);
  keep_text_within_limit(post, problems);
}

// An original (the post a repost shows) may have media keys the request did not expand
// (referenced_tweets.id.attachments.media_keys): not a fault of the data, so not a warning.
void read_media(const json::object& tweet, const Includes& includes, Post& post, PostProblems& problems,
                bool is_original) {
  const json::value* attachments = tweet.if_contains("attachments");
  if (!attachments || !attachments->is_object()) return;
  const json::value* keys = attachments->get_object().if_contains("media_keys");
  if (!keys || !keys->is_array()) return;
  for (const auto& key : keys->get_array()) {
    if (!key.is_string()) {
      problems.add(problem::bad_media, std::string("attachments.media_keys holds ") + kind_name(key.kind()));
      continue;
    }
    auto it = includes.media.find(std::string(key.get_string()));
    if (it == includes.media.end()) {
      if (is_original) continue;
      problems.add(problem::bad_media, "media '" + std::string(key.get_string()) + "' is not in includes.media");
      continue;
    }
    try {
      post.media.push_back(parse_media(*it->second));
    } catch (const FieldError& error) {
      problems.add(problem::bad_media, "media '" + std::string(key.get_string()) + "': " + error.what());
    }
  }
  keep_first_media(post.media, problems);
}

void read_references(const json::object& tweet, const Includes& includes, Post& post, PostProblems& problems) {
  const json::value* references = tweet.if_contains("referenced_tweets");
  if (!references || references->is_null()) return;
  if (!references->is_array()) {
    problems.add(problem::bad_reference, "referenced_tweets is not an array");
    return;
  }
  for (const auto& entry : references->get_array()) {
    try {
      const json::object& object = as_object(entry, "an entry of referenced_tweets");
      items::ReferencedPost reference;
      reference.type = required_string(object, "type");
      reference.id = required_string(object, "id");
      if (auto it = includes.tweets.find(reference.id); it != includes.tweets.end()) {
        const json::object& referenced = *it->second;
        if (const json::value* text = referenced.if_contains("text"); text && text->is_string())
          reference.text = decode_html_entities(std::string(text->get_string()));
        if (const json::value* author = referenced.if_contains("author_id"); author && author->is_string())
          if (auto user = includes.users.find(std::string(author->get_string())); user != includes.users.end())
            reference.author = user->second;
      }
      post.referenced.push_back(std::move(reference));
    } catch (const FieldError& error) {
      problems.add(problem::bad_reference, error.what());
    }
  }
}

void read_metrics(const json::object& tweet, Post& post, PostProblems& problems) {
  try {
    if (const json::object* metrics = optional_object(tweet, "public_metrics")) {
      auto count = [&](const char* name) { return std::max<std::int64_t>(0, optional_integer(*metrics, name)); };
      post.metrics.replies = count("reply_count");
      post.metrics.reposts = count("retweet_count");
      post.metrics.likes = count("like_count");
      post.metrics.quotes = count("quote_count");
    }
  } catch (const FieldError& error) {
    post.metrics = {};
    problems.add(problem::bad_field, std::string("public_metrics: ") + error.what());
  }
}

// Only a post without an id, a time or a text is skipped (FieldError); anything else wrong is
// dropped from it and noted in `problems`. An original (the post a repost shows) also needs its
// author: without it the repost is drawn as itself.
Post parse_post(const json::object& tweet, const Includes& includes, const std::optional<Author>& fallback_author,
                const std::string& source, PostProblems& problems, bool is_original = false) {
  Post post;
  post.source = source;
  post.id = required_string(tweet, "id");
  std::string created_at = required_string(tweet, "created_at");
  auto time = parse_api_time(created_at);
  if (!time) throw FieldError("created_at '" + created_at + "' is not a time like 2026-11-24T14:05:09.000Z");
  post.created_at = *time;
  read_text(tweet, post, problems);
  // The language X detected; a post is no worse for lacking one (it is then unknown).
  if (const json::value* lang = tweet.if_contains("lang"); lang && lang->is_string())
    post.lang = std::string(lang->get_string());

  const json::value* author_id = tweet.if_contains("author_id");
  std::string author = author_id && author_id->is_string() ? std::string(author_id->get_string()) : "";
  if (auto it = includes.users.find(author); it != includes.users.end()) {
    post.author = it->second;
  } else if (is_original) {
    throw FieldError("its author (author_id '" + author + "') is not in includes.users");
  } else if (fallback_author) {
    post.author = *fallback_author;
  } else {
    post.author.id = author;
    problems.add(problem::no_author, "its author (author_id '" + author + "') is not in includes.users");
  }

  read_media(tweet, includes, post, problems, is_original);
  read_references(tweet, includes, post, problems);
  read_metrics(tweet, post, problems);
  return post;
}

// A repost whose original the page includes becomes that original, drawn as X draws it; the
// repost keeps its own id and time, its place in the day.
void show_original(Post& post, const Includes& includes, const std::string& source, PostProblems& problems) {
  auto reposted = std::find_if(post.referenced.begin(), post.referenced.end(),
                               [](const items::ReferencedPost& ref) { return ref.type == "retweeted"; });
  if (reposted == post.referenced.end()) return;
  auto included = includes.tweets.find(reposted->id);
  if (included == includes.tweets.end()) return;  // not expanded: the repost's own text is all there is
  PostProblems original_problems;
  Post original;
  try {
    original = parse_post(*included->second, includes, std::nullopt, source, original_problems, true);
  } catch (const FieldError& error) {
    problems.add(problem::bad_reference, "the reposted post " + reposted->id + ": " + std::string(error.what()) +
                                             " (drawn from the repost's own text)");
    return;
  }
  // A repost of a repost does not happen on X; the original's own references stay (a quote).
  std::erase_if(original.referenced, [](const items::ReferencedPost& ref) { return ref.type == "retweeted"; });
  become_original(post, std::move(original), original_problems, problems);
}

const json::object* meta_of(const json::object& page) {
  const json::value* meta = page.if_contains("meta");
  return meta && meta->is_object() ? &meta->get_object() : nullptr;
}

std::optional<std::string> next_token(const json::object& meta) {
  const json::value* token = meta.if_contains("next_token");
  if (!token || !token->is_string() || token->get_string().empty()) return std::nullopt;
  return std::string(token->get_string());
}

std::vector<ApiError> read_errors(const json::object& response) {
  std::vector<ApiError> errors;
  const json::value* list = response.if_contains("errors");
  if (!list || !list->is_array()) return errors;
  for (const auto& entry : list->get_array()) {
    if (!entry.is_object()) continue;
    const json::object& object = entry.get_object();
    auto text = [&](std::string_view name) {
      const json::value* value = object.if_contains(name);
      return value && value->is_string() ? std::string(value->get_string()) : std::string();
    };
    errors.push_back(ApiError{text("title"), text("detail"), text("resource_type"), text("resource_id"), text("type")});
  }
  return errors;
}

}  // namespace

std::optional<std::chrono::sys_seconds> parse_api_time(const std::string& text) {
  // The X API writes UTC only: "2026-11-24T14:05:09.000Z".
  if (text.empty() || text.back() != 'Z') return std::nullopt;
  return parse_rfc3339(text);
}

std::string decode_html_entities(const std::string& text, std::vector<int>* positions) {
  static const std::pair<std::string_view, char> entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'},
                                                               {"&quot;", '"'}, {"&#39;", '\''}};
  auto is_continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
  std::string result;
  result.reserve(text.size());
  int decoded_index = 0;
  for (size_t i = 0; i < text.size();) {
    size_t length = 1;
    bool replaced = false;
    if (text[i] == '&')
      for (const auto& [entity, character] : entities)
        if (text.compare(i, entity.size(), entity) == 0) {
          result += character;
          length = entity.size();
          replaced = true;
          break;
        }
    if (!replaced) {
      while (i + length < text.size() && is_continuation(text[i + length])) ++length;
      result.append(text, i, length);
    }
    // An entity is several escaped code points that all become one decoded code point.
    if (positions)
      for (size_t k = 0; k < (replaced ? length : 1); ++k) positions->push_back(decoded_index);
    ++decoded_index;
    i += length;
  }
  if (positions) positions->push_back(decoded_index);
  return result;
}

void read_entity_lists(const json::object& entities, std::span<const EntityList> lists,
                       const std::function<std::pair<int, int>(const json::object&, const std::string&)>& read_range,
                       std::vector<Entity>& out, PostProblems& problems) {
  for (const auto& list_spec : lists) {
    const std::string where = std::string("entities.") + list_spec.array;
    const json::value* list = entities.if_contains(list_spec.array);
    if (!list || list->is_null()) continue;
    if (!list->is_array()) {
      problems.add(problem::bad_entities, where + " is " + kind_name(list->kind()) + ", not an array");
      continue;
    }
    for (const auto& item : list->get_array()) {
      try {
        const json::object& object = as_object(item, "an entry of " + where);
        Entity entity;
        entity.kind = list_spec.kind;
        std::tie(entity.start, entity.end) = read_range(object, where);
        entity.text = required_string(object, list_spec.text_field);
        if (list_spec.kind == EntityKind::url) entity.display_url = optional_string(object, "display_url");
        out.push_back(std::move(entity));
      } catch (const FieldError& error) {
        // read_range's messages may name the list already ("entities.hashtags needs 'indices'").
        const std::string what = error.what();
        problems.add(problem::bad_entities, what.starts_with(where) ? what : where + ": " + what);
      }
    }
  }
}

void become_original(Post& repost, Post original, const PostProblems& original_problems, PostProblems& problems) {
  const std::string original_id = original.id;
  original.repost = items::Repost{repost.author, original.id, original.created_at};
  original.id = repost.id;
  original.created_at = repost.created_at;
  // The card shows the original's text, so its language; X gives a repost the same one, which
  // stands in when the source left the original's out (v1.1 archives do).
  if (original.lang.empty()) original.lang = std::move(repost.lang);
  problems.merge(original_problems, "the reposted post " + original_id + ": ");
  repost = std::move(original);
}

namespace {

bool same_ascii_folded(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

// Whether `written` (the text under an entity's range) is that entity: its sigil (ASCII or
// full-width) and its text; for a URL the URL itself or the text shown for it (Bluesky
// shows a link shortened, "example.com/a-long…", and keeps the whole URL in the facet); for a
// custom emoji ":shortcode:".
bool entity_matches(const Entity& entity, std::string_view written) {
  if (entity.kind == EntityKind::url)
    return same_ascii_folded(written, entity.text) || (!entity.display_url.empty() && written == entity.display_url);
  if (entity.kind == EntityKind::custom_emoji)
    return written.size() == entity.text.size() + 2 && written.front() == ':' && written.back() == ':' &&
           written.substr(1, entity.text.size()) == entity.text;
  static const std::string_view hashtag[] = {"#", "\uFF03"}, mention[] = {"@", "\uFF20"}, cashtag[] = {"$", "$"};
  const std::string_view* sigils = entity.kind == EntityKind::hashtag   ? hashtag
                                   : entity.kind == EntityKind::mention ? mention
                                                                        : cashtag;
  for (int i = 0; i < 2; ++i)
    if (written.starts_with(sigils[i]) && same_ascii_folded(written.substr(sigils[i].size()), entity.text)) return true;
  return false;
}

}  // namespace

std::vector<std::string> drop_bad_entities(const std::string& text, std::vector<Entity>& entities) {
  // The byte where each code point starts, and one past the end.
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  const int length = static_cast<int>(starts.size());
  starts.push_back(text.size());
  static const char* const names[] = {"hashtag", "mention", "URL", "cashtag", "custom emoji"};
  std::stable_sort(entities.begin(), entities.end(), [](const Entity& a, const Entity& b) { return a.start < b.start; });
  std::vector<std::string> dropped;
  std::vector<Entity> kept;
  for (auto& entity : entities) {
    std::string what = "a ";
    what.append(names[static_cast<int>(entity.kind)]).append(" at [").append(std::to_string(entity.start));
    what.append(", ").append(std::to_string(entity.end)).append(")");
    if (entity.start < 0 || entity.end <= entity.start) {
      dropped.push_back(what + " is not a range");
    } else if (entity.end > length) {
      dropped.push_back(what + " ends past the text (" + std::to_string(length) + " characters)");
    } else if (!kept.empty() && entity.start == kept.back().start && entity.end == kept.back().end &&
               entity.kind == kept.back().kind) {
      continue;  // one link listed once per photo it shows: one entity
    } else if (!kept.empty() && entity.start < kept.back().end) {
      dropped.push_back(what + " overlaps the one before");
    } else if (std::string_view written(text.data() + starts[entity.start], starts[entity.end] - starts[entity.start]);
               !entity_matches(entity, written)) {
      dropped.push_back(what + " is not on '" + entity.text.substr(0, 40) + "' in the text");
    } else {
      kept.push_back(std::move(entity));
    }
  }
  entities = std::move(kept);
  return dropped;
}

// Decoding shortens the text (an entity is several escaped code points that become one), so
// every offset moves to its place in the decoded text.
void decode_post_text(std::string& text, std::vector<Entity>& entities) {
  std::vector<int> decoded_position;  // for each escaped code point, its decoded index
  std::string decoded = decode_html_entities(text, &decoded_position);
  auto move = [&](int offset) {
    return offset < static_cast<int>(decoded_position.size()) ? decoded_position[offset] : decoded_position.back();
  };
  for (auto& entity : entities) {
    entity.start = move(entity.start);
    entity.end = move(entity.end);
  }
  text = std::move(decoded);
}

TimelinePage parse_timeline_page(std::string_view text, const std::string& source,
                                 const std::optional<Author>& fallback_author) {
  return parse_timeline_page(parse_json(text, source), source, fallback_author);
}

TimelinePage parse_timeline_page(const json::value& document, const std::string& source,
                                 const std::optional<Author>& fallback_author) {
  if (!document.is_object())
    throw DocumentError(source + ": expected a response object with 'data', not " + kind_name(document.kind()));
  TimelinePage result;
  result.errors = read_errors(document.get_object());
  const json::value* data_value = document.get_object().if_contains("data");
  if (!data_value || data_value->is_null()) {
    if (const json::object* meta = meta_of(document.get_object())) result.next_token = next_token(*meta);
    return result;  // a page with no posts (or only errors) is valid
  }
  if (!data_value->is_array())
    throw DocumentError(source + ": field 'data' should be an array of posts, not " + kind_name(data_value->kind()));

  // Strings are repaired in a copy, post by post, so each repair names its post.
  json::value copy = document;
  json::object& page = copy.get_object();
  if (json::value* included = page.if_contains("includes"); included && included->is_object())
    for (auto& [name, list] : included->get_object())
      if (list.is_array()) repair_included(list.get_array(), std::string(name).c_str(), result.problems, source);
  const Includes includes = read_includes(page);
  if (const json::object* meta = meta_of(page)) result.next_token = next_token(*meta);

  json::array& data = page.at("data").get_array();
  result.entries = data.size();
  for (size_t i = 0; i < data.size(); ++i) {
    json::value& entry = data[i];
    std::string name = "data[" + std::to_string(i) + "]";
    if (entry.is_object())
      if (const json::value* id = entry.get_object().if_contains("id"); id && id->is_string())
        name = "post " + std::string(id->get_string());
    PostProblems problems;
    if (int replaced = repair_strings(entry))
      problems.add(problem::invalid_text, std::to_string(replaced) + " invalid characters (lone UTF-16 surrogates or bytes "
                                          "that are not UTF-8)");
    try {
      Post post = parse_post(as_object(entry, name), includes, fallback_author, source, problems);
      show_original(post, includes, source, problems);
      result.posts.push_back(std::move(post));
    } catch (const FieldError& error) {
      result.problems.push_back({problem::post_skipped, source + ": " + name + ": " + error.what() + " (post skipped)"});
      continue;
    }
    problems.report(source + ": " + name, result.problems);
  }
  return result;
}

std::optional<long> result_count_in(std::string_view text) {
  static constexpr std::string_view key = "\"result_count\"";
  size_t at = text.rfind(key);  // meta comes last
  if (at == std::string_view::npos) return std::nullopt;
  at += key.size();
  auto skip_spaces = [&] {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r')) ++at;
  };
  skip_spaces();
  if (at >= text.size() || text[at] != ':') return std::nullopt;
  ++at;
  skip_spaces();
  long count = 0;
  size_t digits = 0;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < 6; ++at, ++digits) count = count * 10 + (text[at] - '0');
  if (digits == 0 || digits == 6) return std::nullopt;
  return count;
}

items::Author parse_user_response(std::string_view text, const std::string& source) {
  json::value document = parse_json(text, source);
  if (!document.is_object()) throw DocumentError(source + ": expected a response object");
  const json::object& response = document.get_object();
  const json::value* data = response.if_contains("data");
  if (!data) {
    auto errors = read_errors(response);
    std::string why = errors.empty() ? "no 'data' in the response" : errors.front().title + ": " + errors.front().detail;
    throw DocumentError(source + ": " + why);
  }
  try {
    return parse_author(as_object(*data, "'data'"));
  } catch (const FieldError& error) {
    throw DocumentError(source + ": user: " + error.what());
  }
}

}  // namespace pipectl::fetch
