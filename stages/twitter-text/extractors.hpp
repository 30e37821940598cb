// The extractors on code points (the public UTF-8 functions in twitter_text.hpp wrap them; the
// display text calls them on text it has already decoded). Each one scans the text once, left
// to right, the way twitter-text's global regex scan does: a match (even one rejected
// afterwards) consumes the text up to its end, including the character before the sigil.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "twitter_text.hpp"

namespace pipectl::twitter_text::detail {

std::vector<Entity> mentions_or_lists(std::u32string_view text);
std::optional<std::string> reply_username(std::u32string_view text);
std::vector<Entity> hashtags(std::u32string_view text);  // URL overlap not checked
std::vector<Entity> cashtags(std::u32string_view text);
std::vector<Entity> urls(std::u32string_view text, bool without_protocol);
std::vector<Entity> entities(std::u32string_view text);

// Sorts by start (stably) and drops every entity that overlaps the one kept before it. For
// extracted entities and for the post's own (items::Entity) alike.
template <class AnyEntity>
void remove_overlaps(std::vector<AnyEntity>& entities) {
  std::stable_sort(entities.begin(), entities.end(),
                   [](const AnyEntity& a, const AnyEntity& b) { return a.start < b.start; });
  std::vector<AnyEntity> kept;
  kept.reserve(entities.size());
  for (auto& entity : entities)
    if (kept.empty() || kept.back().end <= entity.start) kept.push_back(std::move(entity));
  entities = std::move(kept);
}

// An entity over [start, end) of `text` whose value is text[value_begin, value_end).
Entity make_entity(items::EntityKind kind, std::u32string_view text, std::size_t start, std::size_t end,
                   std::size_t value_begin, std::size_t value_end);

}  // namespace pipectl::twitter_text::detail
