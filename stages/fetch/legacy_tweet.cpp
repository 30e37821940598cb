#include "legacy_tweet.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>

#include "day_window.hpp"
#include "fixed_digits.hpp"
#include "json_reader.hpp"
#include "problems.hpp"
#include "timeline_page.hpp"

namespace pipectl::fetch {

namespace json = boost::json;
using items::Author;
using items::Entity;
using items::EntityKind;

namespace {

// A number, or a string holding one (the archive's way); 0 when missing or null.
std::int64_t legacy_integer(const json::value* value, const std::string& name) {
  if (!value || value->is_null()) return 0;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64()) return static_cast<std::int64_t>(value->get_uint64());
  if (value->is_string()) {
    std::string_view text = value->get_string();
    std::int64_t result = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), result);
    if (error == std::errc() && end == text.data() + text.size() && !text.empty()) return result;
    std::string message = "field '";
    message.append(name).append("' should be a number, not '").append(text).append("'");
    throw FieldError(message);
  }
  throw FieldError("field '" + name + "' should be a number, not " + kind_name(value->kind()));
}

std::int64_t legacy_integer(const json::object& object, std::string_view name) {
  return legacy_integer(object.if_contains(name), std::string(name));
}

// "indices": [start, end] in code points of the escaped text.
std::pair<int, int> read_indices(const json::object& entity, const std::string& where) {
  const json::array* indices = optional_array(entity, "indices");
  if (!indices || indices->size() != 2) throw FieldError(where + " needs 'indices' [start, end]");
  auto start = legacy_integer(&(*indices)[0], where + ".indices[0]");
  auto end = legacy_integer(&(*indices)[1], where + ".indices[1]");
  if (start < 0 || end < start || end > 1'000'000)
    throw FieldError(where + " has a bad range [" + std::to_string(start) + ", " + std::to_string(end) + "]");
  return {static_cast<int>(start), static_cast<int>(end)};
}

void read_entities(const json::object& tweet, std::vector<Entity>& out, PostProblems& problems) {
  const json::value* entities = tweet.if_contains("entities");
  if (!entities || entities->is_null()) return;
  if (!entities->is_object()) {
    problems.add(problem::bad_entities, "entities is not an object");
    return;
  }
  static const EntityList lists[] = {{"hashtags", EntityKind::hashtag, "text"},
                                     {"user_mentions", EntityKind::mention, "screen_name"},
                                     {"urls", EntityKind::url, "url"},
                                     {"symbols", EntityKind::cashtag, "text"},
                                     // v2 lists a photo's t.co link among the URLs, so does the post
                                     // (once: drop_bad_entities merges the copies each photo carries).
                                     {"media", EntityKind::url, "url"}};
  read_entity_lists(entities->get_object(), lists, read_indices, out, problems);
}

std::string media_key_prefix(const std::string& type) {
  if (type == "photo") return "3_";
  if (type == "video") return "7_";
  if (type == "animated_gif") return "16_";
  return "0_";
}

items::MediaRef read_media(const json::object& media) {
  items::MediaRef ref;
  ref.type = required_string(media, "type");
  ref.key = media_key_prefix(ref.type) + required_string(media, "id_str");
  // For a video or GIF this is its preview image; the video itself is in video_info.
  ref.url = optional_string(media, "media_url_https");
  if (ref.url.empty()) ref.url = required_string(media, "media_url");
  if (const json::object* original = optional_object(media, "original_info")) {
    ref.width = static_cast<int>(legacy_integer(*original, "width"));
    ref.height = static_cast<int>(legacy_integer(*original, "height"));
  } else if (const json::object* sizes = optional_object(media, "sizes")) {
    if (const json::object* large = optional_object(*sizes, "large")) {
      ref.width = static_cast<int>(legacy_integer(*large, "w"));
      ref.height = static_cast<int>(legacy_integer(*large, "h"));
    }
  }
  ref.alt_text = optional_string(media, "ext_alt_text");
  return ref;
}

void read_all_media(const json::object& tweet, std::vector<items::MediaRef>& out, PostProblems& problems) {
  // extended_entities holds every photo; entities.media only the first (older archives have
  // no extended_entities at all).
  auto object_field = [&](const char* name) -> const json::object* {
    const json::value* value = tweet.if_contains(name);
    return value && value->is_object() ? &value->get_object() : nullptr;
  };
  const json::object* holder = object_field("extended_entities");
  if (!holder || !holder->if_contains("media")) holder = object_field("entities");
  if (!holder) return;
  const json::value* media = holder->if_contains("media");
  if (!media || !media->is_array()) return;
  for (const auto& entry : media->get_array()) {
    try {
      out.push_back(read_media(as_object(entry, "an entry of media")));
    } catch (const FieldError& error) {
      problems.add(problem::bad_media, error.what());
    }
  }
  keep_first_media(out, problems);
}

std::string tweet_text(const json::object& tweet) {
  if (tweet.if_contains("full_text")) return required_string(tweet, "full_text");
  if (tweet.if_contains("text")) return required_string(tweet, "text");
  throw FieldError("missing field 'full_text'");
}

// The user object of a v1.1 tweet (retweeted or quoted posts carry theirs).
std::optional<Author> legacy_user(const json::object& tweet) {
  const json::object* user = optional_object(tweet, "user");
  if (!user) return std::nullopt;
  Author author;
  author.username = optional_string(*user, "screen_name");
  if (author.username.empty()) return std::nullopt;
  author.id = optional_string(*user, "id_str");
  author.name = optional_string(*user, "name");
  if (author.name.empty()) author.name = author.username;
  author.avatar_url = optional_string(*user, "profile_image_url_https");
  return author;
}

items::ReferencedPost embedded_reference(const std::string& type, const json::object& embedded) {
  items::ReferencedPost reference;
  reference.type = type;
  reference.id = required_string(embedded, "id_str");
  reference.text = decode_html_entities(tweet_text(embedded));
  reference.author = legacy_user(embedded);
  return reference;
}

// An archive retweet is "RT @name: ..." with the retweeted account as its first mention.
std::optional<items::ReferencedPost> archive_retweet(const json::object& tweet, const std::string& text) {
  if (text.rfind("RT @", 0) != 0) return std::nullopt;
  const json::object* entities = optional_object(tweet, "entities");
  const json::array* mentions = entities ? optional_array(*entities, "user_mentions") : nullptr;
  if (!mentions || mentions->empty()) return std::nullopt;
  const json::object& mention = as_object(mentions->front(), "an entry of entities.user_mentions");
  if (read_indices(mention, "entities.user_mentions").first != 3) return std::nullopt;
  items::ReferencedPost reference;
  reference.type = "retweeted";
  Author author;
  author.username = required_string(mention, "screen_name");
  author.id = optional_string(mention, "id_str");
  author.name = optional_string(mention, "name");
  if (author.name.empty()) author.name = author.username;
  reference.author = author;
  return reference;
}

void read_references(const json::object& tweet, const std::string& text, std::vector<items::ReferencedPost>& out) {
  if (const json::object* retweeted = optional_object(tweet, "retweeted_status"))
    out.push_back(embedded_reference("retweeted", *retweeted));
  else if (auto retweet = archive_retweet(tweet, text))
    out.push_back(std::move(*retweet));

  if (const json::object* quoted = optional_object(tweet, "quoted_status")) {
    out.push_back(embedded_reference("quoted", *quoted));
  } else if (std::string id = optional_string(tweet, "quoted_status_id_str"); !id.empty()) {
    items::ReferencedPost reference;
    reference.type = "quoted";
    reference.id = id;
    out.push_back(std::move(reference));
  }

  if (std::string id = optional_string(tweet, "in_reply_to_status_id_str"); !id.empty()) {
    items::ReferencedPost reference;
    reference.type = "replied_to";
    reference.id = id;
    if (std::string name = optional_string(tweet, "in_reply_to_screen_name"); !name.empty()) {
      Author author;
      author.username = name;
      author.name = name;
      author.id = optional_string(tweet, "in_reply_to_user_id_str");
      reference.author = author;
    }
    out.push_back(std::move(reference));
  }
}

// v1.1 embeds the whole retweeted post, with its user: the repost is drawn as that original.
// (Archive retweets have no retweeted_status; they stay "RT @name: ..." as written.)
void show_retweeted_original(const json::object& tweet, items::Post& post, const std::string& source,
                             PostProblems& problems) {
  const json::value* embedded = tweet.if_contains("retweeted_status");
  if (!embedded || !embedded->is_object()) return;
  const json::object& retweeted = embedded->get_object();
  std::optional<Author> original_author;
  try {
    original_author = legacy_user(retweeted);
  } catch (const FieldError&) {
  }
  if (!original_author || retweeted.contains("retweeted_status")) {
    problems.add(problem::bad_reference, "retweeted_status has no user (drawn from the repost's own text)");
    return;
  }
  PostProblems original_problems;
  items::Post original;
  try {
    original = parse_legacy_tweet(retweeted, *original_author, source, original_problems);
  } catch (const FieldError& error) {
    problems.add(problem::bad_reference,
                 "retweeted_status: " + std::string(error.what()) + " (drawn from the repost's own text)");
    return;
  }
  become_original(post, std::move(original), original_problems, problems);
}

}  // namespace

std::optional<std::chrono::sys_seconds> parse_legacy_time(const std::string& text) {
  // Www Mmm DD HH:MM:SS +hhmm YYYY
  static const char* const weekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 30 || text[3] != ' ' || text[7] != ' ' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':' || text[19] != ' ' || text[25] != ' ' || (text[20] != '+' && text[20] != '-'))
    return std::nullopt;
  if (std::none_of(std::begin(weekdays), std::end(weekdays), [&](const char* day) { return text.compare(0, 3, day) == 0; }))
    return std::nullopt;
  auto month = std::find_if(std::begin(months), std::end(months), [&](const char* name) { return text.compare(4, 3, name) == 0; });
  if (month == std::end(months)) return std::nullopt;
  auto day = fixed_digits(text, 8, 2);
  auto hour = fixed_digits(text, 11, 2);
  auto minute = fixed_digits(text, 14, 2);
  auto second = fixed_digits(text, 17, 2);
  auto offset_hours = fixed_digits(text, 21, 2);
  auto offset_minutes = fixed_digits(text, 23, 2);
  auto year = fixed_digits(text, 26, 4);
  if (!day || !hour || !minute || !second || !offset_hours || !offset_minutes || !year || *hour > 23 ||
      *minute > 59 || *second > 59 || *offset_hours > 23 || *offset_minutes > 59)
    return std::nullopt;
  using namespace std::chrono;
  year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(month - std::begin(months) + 1)),
                      std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  auto offset = hours(*offset_hours) + minutes(*offset_minutes);
  // The local time is UTC plus the offset.
  if (text[20] == '-') offset = -offset;
  return sys_days(date) + hours(*hour) + minutes(*minute) + seconds(*second) - offset;
}

items::Post parse_legacy_tweet(const json::object& tweet, const Author& author, const std::string& source,
                               PostProblems& problems) {
  items::Post post;
  post.source = source;
  post.id = required_string(tweet, "id_str");
  std::string created_at = required_string(tweet, "created_at");
  auto time = parse_legacy_time(created_at);
  if (!time) throw FieldError("created_at '" + created_at + "' is not a time like Tue Nov 24 14:05:09 +0000 2026");
  post.created_at = *time;
  std::string escaped_text = tweet_text(tweet);
  post.text = escaped_text;
  read_entities(tweet, post.entities, problems);
  for (const std::string& reason : drop_bad_entities(post.text, post.entities))
    problems.add(problem::bad_entities, reason);
  decode_post_text(post.text, post.entities);
  keep_text_within_limit(post, problems);
  // The language X detected (archives have it too); a post is no worse for lacking one.
  if (const json::value* lang = tweet.if_contains("lang"); lang && lang->is_string())
    post.lang = std::string(lang->get_string());
  post.author = author;
  read_all_media(tweet, post.media, problems);
  try {
    read_references(tweet, escaped_text, post.referenced);
  } catch (const FieldError& error) {
    problems.add(problem::bad_reference, error.what());
  }
  try {
    post.metrics.likes = std::max<std::int64_t>(0, legacy_integer(tweet, "favorite_count"));
    post.metrics.reposts = std::max<std::int64_t>(0, legacy_integer(tweet, "retweet_count"));
    post.metrics.replies = std::max<std::int64_t>(0, legacy_integer(tweet, "reply_count"));
    post.metrics.quotes = std::max<std::int64_t>(0, legacy_integer(tweet, "quote_count"));
  } catch (const FieldError& error) {
    post.metrics = {};
    problems.add(problem::bad_field, error.what());
  }
  show_retweeted_original(tweet, post, source, problems);
  return post;
}

}  // namespace pipectl::fetch
