#include "bluesky_facets.hpp"

#include <algorithm>
#include <optional>

#include "json_reader.hpp"
#include "text_repair.hpp"

namespace pipectl::fetch {

namespace json = boost::json;
using items::Entity;
using items::EntityKind;

namespace {

struct Feature {
  EntityKind kind;
  std::string value;  // the DID, URI or tag
};

std::optional<Feature> first_known_feature(const json::object& facet) {
  const json::array* features = optional_array(facet, "features");
  if (!features) throw FieldError("it has no features");
  for (const auto& entry : *features) {
    if (!entry.is_object()) continue;
    const json::object& feature = entry.get_object();
    const std::string type = optional_string(feature, "$type");
    if (type == "app.bsky.richtext.facet#mention") return Feature{EntityKind::mention, required_string(feature, "did")};
    if (type == "app.bsky.richtext.facet#link") return Feature{EntityKind::url, required_string(feature, "uri")};
    if (type == "app.bsky.richtext.facet#tag") return Feature{EntityKind::hashtag, required_string(feature, "tag")};
  }
  return std::nullopt;
}

std::int64_t byte_offset(const json::object& index, std::string_view name) {
  const json::value* value = index.if_contains(name);
  if (value && value->is_int64()) return value->get_int64();
  if (value && value->is_uint64()) return static_cast<std::int64_t>(std::min<std::uint64_t>(value->get_uint64(), INT64_MAX));
  std::string message = "index.";
  message.append(name).append(value ? " is not a whole number" : " is missing");
  throw FieldError(message);
}

}  // namespace

std::vector<Entity> facet_entities(const std::string& text, const json::value& facets, PostProblems& problems) {
  std::vector<Entity> entities;
  if (facets.is_null()) return entities;
  if (!facets.is_array()) {
    problems.add(problem::bad_entities, std::string("facets is ") + kind_name(facets.kind()) + ", not an array");
    return entities;
  }
  // starts[k]: the byte where character k begins; the last entry is the text's size.
  const std::vector<std::size_t> starts = character_starts(text);
  // The character that begins at `byte`, or nullopt when a character goes on across it.
  auto character_at = [&](std::int64_t byte) -> std::optional<int> {
    auto found = std::lower_bound(starts.begin(), starts.end(), static_cast<std::size_t>(byte));
    if (found == starts.end() || *found != static_cast<std::size_t>(byte)) return std::nullopt;
    return static_cast<int>(found - starts.begin());
  };
  for (const auto& entry : facets.get_array()) {
    std::string where = "a facet";
    try {
      const json::object& facet = as_object(entry, "an entry of facets");
      const json::object* index = optional_object(facet, "index");
      if (!index) throw FieldError("it has no index");
      const std::int64_t first = byte_offset(*index, "byteStart"), last = byte_offset(*index, "byteEnd");
      where.append(" at bytes [").append(std::to_string(first)).append(", ").append(std::to_string(last)).append(")");
      const std::optional<Feature> feature = first_known_feature(facet);
      if (!feature) continue;
      if (first < 0 || last < 0 || static_cast<std::uint64_t>(std::max(first, last)) > text.size())
        throw FieldError("it is not inside the text (" + std::to_string(text.size()) + " bytes)");
      const std::optional<int> start = character_at(first), end = character_at(last);
      if (!start || !end) throw FieldError("it cuts a character in two (byte offsets count UTF-8 bytes)");
      Entity entity;
      entity.kind = feature->kind;
      entity.start = *start;
      entity.end = *end;
      // The text under the range, as the card shows it (repaired like the post's text).
      std::string shown = *end > *start ? text.substr(starts[*start], starts[*end] - starts[*start]) : std::string();
      repair_utf8(shown);
      std::string value = feature->value;
      repair_utf8(value);
      if (feature->kind == EntityKind::mention) {
        // The handle as written; drop_bad_entities refuses a mention that is not on "@...".
        for (std::string_view sigil : {"@", "\uFF20"})
          if (shown.starts_with(sigil)) {
            shown.erase(0, sigil.size());
            break;
          }
        entity.text = std::move(shown);
      } else if (feature->kind == EntityKind::url) {
        entity.text = std::move(value);
        entity.display_url = std::move(shown);
      } else {
        entity.text = std::move(value);
      }
      entities.push_back(std::move(entity));
    } catch (const FieldError& error) {
      problems.add(problem::bad_entities, where + ": " + error.what());
    }
  }
  return entities;
}

}  // namespace pipectl::fetch
