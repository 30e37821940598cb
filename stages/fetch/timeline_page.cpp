#include "timeline_page.hpp"

#include "day_window.hpp"
#include "fixed_digits.hpp"

#include <algorithm>
#include <map>

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

void parse_entities(const json::object& entities, std::vector<Entity>& out) {
  struct Kind {
    const char* array;
    EntityKind kind;
    const char* text_field;
  };
  static const Kind kinds[] = {{"hashtags", EntityKind::hashtag, "tag"},
                               {"mentions", EntityKind::mention, "username"},
                               {"urls", EntityKind::url, "url"},
                               {"cashtags", EntityKind::cashtag, "tag"}};
  for (const auto& kind : kinds) {
    const json::array* list = optional_array(entities, kind.array);
    if (!list) continue;
    for (const auto& item : *list) {
      const json::object& object = as_object(item, std::string("an entry of entities.") + kind.array);
      Entity entity;
      entity.kind = kind.kind;
      entity.start = static_cast<int>(optional_integer(object, "start"));
      entity.end = static_cast<int>(optional_integer(object, "end"));
      if (entity.start < 0 || entity.end < entity.start)
        throw FieldError(std::string("entities.") + kind.array + " has a bad range [" +
                         std::to_string(entity.start) + ", " + std::to_string(entity.end) + ")");
      entity.text = required_string(object, kind.text_field);
      if (kind.kind == EntityKind::url) entity.display_url = optional_string(object, "display_url");
      out.push_back(std::move(entity));
    }
  }
  // The API groups entities by kind; a card wants them in reading order.
  std::stable_sort(out.begin(), out.end(), [](const Entity& a, const Entity& b) { return a.start < b.start; });
}

struct Includes {
  std::map<std::string, Author> users;
  std::map<std::string, const json::object*> media;
  std::map<std::string, const json::object*> tweets;
};

Includes read_includes(const json::object& page) {
  Includes includes;
  const json::object* object = optional_object(page, "includes");
  if (!object) return includes;
  if (const json::array* users = optional_array(*object, "users"))
    for (const auto& user : *users) {
      // A malformed included user only loses the author line of the posts that need it.
      if (!user.is_object()) continue;
      try {
        Author author = parse_author(user.get_object());
        includes.users[author.id] = author;
      } catch (const FieldError&) {
      }
    }
  if (const json::array* media = optional_array(*object, "media"))
    for (const auto& entry : *media)
      if (entry.is_object())
        if (const json::value* key = entry.get_object().if_contains("media_key"); key && key->is_string())
          includes.media[std::string(key->get_string())] = &entry.get_object();
  if (const json::array* tweets = optional_array(*object, "tweets"))
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
  ref.width = static_cast<int>(optional_integer(media, "width"));
  ref.height = static_cast<int>(optional_integer(media, "height"));
  ref.alt_text = optional_string(media, "alt_text");
  return ref;
}

Post parse_post(const json::object& tweet, const Includes& includes, const std::optional<Author>& fallback_author,
                const std::string& source) {
  Post post;
  post.source = source;
  post.id = required_string(tweet, "id");
  std::string created_at = required_string(tweet, "created_at");
  auto time = parse_api_time(created_at);
  if (!time) throw FieldError("created_at '" + created_at + "' is not a time like 2026-11-24T14:05:09.000Z");
  post.created_at = *time;
  post.text = required_string(tweet, "text");
  if (const json::object* entities = optional_object(tweet, "entities")) parse_entities(*entities, post.entities);

  // Long posts carry their full text in note_tweet; `text` is then cut short.
  if (const json::object* note = optional_object(tweet, "note_tweet")) {
    post.text = required_string(*note, "text");
    post.entities.clear();
    if (const json::object* entities = optional_object(*note, "entities")) parse_entities(*entities, post.entities);
  }
  decode_post_text(post.text, post.entities);

  std::string author_id = optional_string(tweet, "author_id");
  if (auto it = includes.users.find(author_id); it != includes.users.end()) post.author = it->second;
  else if (fallback_author) post.author = *fallback_author;
  else throw FieldError("its author (author_id '" + author_id + "') is not in includes.users");

  if (const json::object* attachments = optional_object(tweet, "attachments"))
    if (const json::array* keys = optional_array(*attachments, "media_keys"))
      for (const auto& key : *keys) {
        if (!key.is_string()) throw FieldError("attachments.media_keys holds " + std::string(kind_name(key.kind())));
        auto it = includes.media.find(std::string(key.get_string()));
        if (it == includes.media.end())
          throw FieldError("media '" + std::string(key.get_string()) + "' is not in includes.media");
        post.media.push_back(parse_media(*it->second));
      }

  if (const json::array* references = optional_array(tweet, "referenced_tweets"))
    for (const auto& entry : *references) {
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
    }

  if (const json::object* metrics = optional_object(tweet, "public_metrics")) {
    post.metrics.replies = optional_integer(*metrics, "reply_count");
    post.metrics.reposts = optional_integer(*metrics, "retweet_count");
    post.metrics.likes = optional_integer(*metrics, "like_count");
    post.metrics.quotes = optional_integer(*metrics, "quote_count");
  }
  return post;
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
  // YYYY-MM-DDTHH:MM:SS, an optional .fraction, then Z.
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text.back() != 'Z')
    return std::nullopt;
  auto date = parse_date(text.substr(0, 10));
  auto hour = fixed_digits(text, 11, 2);
  auto minute = fixed_digits(text, 14, 2);
  auto second = fixed_digits(text, 17, 2);
  if (!date || !hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  if (text.size() > 20) {
    if (text[19] != '.' || text.size() == 21 || text.size() > 30) return std::nullopt;
    for (size_t i = 20; i + 1 < text.size(); ++i)
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  using namespace std::chrono;
  return sys_days(*date) + hours(*hour) + minutes(*minute) + seconds(*second);
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
  const json::object& page = document.get_object();
  TimelinePage result;
  result.errors = read_errors(page);
  try {
    Includes includes = read_includes(page);
    if (const json::object* meta = optional_object(page, "meta")) {
      std::string token = optional_string(*meta, "next_token");
      if (!token.empty()) result.next_token = token;
    }
    const json::array* data = optional_array(page, "data");
    if (!data) return result;  // a page with no posts (or only errors) is valid
    for (size_t i = 0; i < data->size(); ++i) {
      const json::value& entry = (*data)[i];
      std::string name = "data[" + std::to_string(i) + "]";
      if (entry.is_object())
        if (const json::value* id = entry.get_object().if_contains("id"); id && id->is_string())
          name = "post " + std::string(id->get_string());
      try {
        result.posts.push_back(parse_post(as_object(entry, name), includes, fallback_author, source));
      } catch (const FieldError& error) {
        result.rejected.push_back(source + ": " + name + ": " + error.what());
      }
    }
  } catch (const FieldError& error) {
    throw DocumentError(source + ": " + error.what());
  }
  return result;
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
