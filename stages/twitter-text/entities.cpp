// The public UTF-8 extraction functions, extract_entities and the overlap rule.
#include <algorithm>

#include "code_points.hpp"
#include "extractors.hpp"

namespace pipectl::twitter_text {

namespace detail {

Entity make_entity(items::EntityKind kind, std::u32string_view text, std::size_t start, std::size_t end,
                   std::size_t value_begin, std::size_t value_end) {
  Entity entity;
  entity.kind = kind;
  entity.start = static_cast<int>(start);
  entity.end = static_cast<int>(end);
  entity.value = to_utf8(text.substr(value_begin, value_end - value_begin));
  return entity;
}

std::vector<Entity> entities(std::u32string_view text) {
  // Kinds in twitter-text's order: at equal starts the earlier kind wins.
  std::vector<Entity> all = urls(text, true);
  for (auto* extract : {&mentions_or_lists, &hashtags, &cashtags}) {
    std::vector<Entity> more = extract(text);
    all.insert(all.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  remove_overlaps(all);
  return all;
}

}  // namespace detail

std::vector<Entity> extract_mentions(std::string_view text) {
  std::vector<Entity> mentions = detail::mentions_or_lists(detail::to_code_points(text));
  std::erase_if(mentions, [](const Entity& e) { return !e.list_slug.empty(); });
  return mentions;
}

std::vector<Entity> extract_mentions_or_lists(std::string_view text) {
  return detail::mentions_or_lists(detail::to_code_points(text));
}

std::optional<std::string> extract_reply_username(std::string_view text) {
  return detail::reply_username(detail::to_code_points(text));
}

std::vector<Entity> extract_urls(std::string_view text, bool without_protocol) {
  return detail::urls(detail::to_code_points(text), without_protocol);
}

std::vector<Entity> extract_hashtags(std::string_view text) {
  const std::u32string points = detail::to_code_points(text);
  std::vector<Entity> tags = detail::hashtags(points);
  if (tags.empty()) return tags;
  std::vector<Entity> urls = detail::urls(points, true);
  if (urls.empty()) return tags;
  tags.insert(tags.end(), std::make_move_iterator(urls.begin()), std::make_move_iterator(urls.end()));
  detail::remove_overlaps(tags);
  std::erase_if(tags, [](const Entity& e) { return e.kind != items::EntityKind::hashtag; });
  return tags;
}

std::vector<Entity> extract_cashtags(std::string_view text) { return detail::cashtags(detail::to_code_points(text)); }

std::vector<Entity> extract_entities(std::string_view text) { return detail::entities(detail::to_code_points(text)); }

}  // namespace pipectl::twitter_text
