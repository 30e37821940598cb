#include "display_text.hpp"

#include <algorithm>

#include <unicode/uchar.h>

#include "code_points.hpp"
#include "extractors.hpp"

namespace pipectl::twitter_text {

namespace {

using items::EntityKind;

// The link X appends to a post for its own photos or video; the card shows the media instead.
bool is_media_link(const items::Entity& entity) {
  const std::string_view shown = entity.display_url;
  return entity.kind == EntityKind::url && (shown.starts_with("pic.twitter.com/") || shown.starts_with("pic.x.com/"));
}

bool is_white(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)); }

bool all_white(std::u32string_view text) { return std::all_of(text.begin(), text.end(), is_white); }

// The entities a card can use, in text order: in range, not empty, not overlapping an earlier one.
std::vector<items::Entity> usable(std::vector<items::Entity> entities, std::size_t length) {
  std::erase_if(entities, [length](const items::Entity& entity) {
    return entity.start < 0 || entity.end <= entity.start || static_cast<std::size_t>(entity.end) > length;
  });
  detail::remove_overlaps(entities);
  return entities;
}

std::vector<items::Entity> extracted(std::u32string_view text) {
  std::vector<items::Entity> out;
  for (auto& found : detail::entities(text)) {
    items::Entity entity;
    entity.kind = found.kind;
    entity.start = found.start;
    entity.end = found.end;
    entity.text = std::move(found.value);
    out.push_back(std::move(entity));
  }
  return out;
}

}  // namespace

DisplayText display_text(std::string_view text, const std::vector<items::Entity>& entities, bool complete) {
  const std::u32string points = detail::to_code_points(text);
  const std::u32string_view view = points;
  std::vector<items::Entity> shown =
      entities.empty() && !complete ? extracted(view) : usable(entities, points.size());

  // Drop trailing media links (only white space after them), then the white space before them.
  std::size_t cut = points.size();
  while (!shown.empty() && is_media_link(shown.back()) &&
         all_white(view.substr(static_cast<std::size_t>(shown.back().end), cut - static_cast<std::size_t>(shown.back().end)))) {
    cut = static_cast<std::size_t>(shown.back().start);
    shown.pop_back();
  }
  if (cut < points.size()) {
    const std::size_t floor = shown.empty() ? 0 : static_cast<std::size_t>(shown.back().end);
    while (cut > floor && is_white(points[cut - 1])) --cut;
  }

  DisplayText out;
  out.text.reserve(text.size());
  std::size_t pos = 0;
  for (const auto& entity : shown) {
    const auto start = static_cast<std::size_t>(entity.start);
    const auto end = static_cast<std::size_t>(entity.end);
    detail::append_utf8(out.text, view.substr(pos, start - pos));
    const std::size_t begin = out.text.size();
    if (entity.kind == EntityKind::url && !entity.display_url.empty())
      detail::append_utf8(out.text, detail::to_code_points(entity.display_url));  // re-encoded: always valid UTF-8
    else
      detail::append_utf8(out.text, view.substr(start, end - start));
    if (out.text.size() > begin) out.spans.push_back({begin, out.text.size(), entity.kind});
    pos = end;
  }
  detail::append_utf8(out.text, view.substr(pos, cut - pos));
  return out;
}

DisplayText display_text(const items::Post& post) {
  return display_text(post.text, post.entities, post.entities_complete);
}

}  // namespace pipectl::twitter_text
