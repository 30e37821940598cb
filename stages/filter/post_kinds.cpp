#include "post_kinds.hpp"

#include <algorithm>

namespace pipectl::filter {

namespace {

bool references(const items::Post& post, std::string_view type) {
  return std::any_of(post.referenced.begin(), post.referenced.end(),
                     [type](const items::ReferencedPost& reference) { return reference.type == type; });
}

}  // namespace

std::optional<PostKind> post_kind_named(std::string_view name) {
  for (std::size_t i = 0; i < std::size(post_kind_names); ++i)
    if (post_kind_names[i] == name) return static_cast<PostKind>(i);
  return std::nullopt;
}

std::string post_kind_list() {
  std::string list;
  for (std::string_view name : post_kind_names) {
    if (!list.empty()) list.append(", ");
    list.append(name);
  }
  return list;
}

bool is_kind(const items::Post& post, PostKind kind) {
  const bool repost = post.is_repost();
  switch (kind) {
    case PostKind::replies:
      return !repost && references(post, "replied_to");
    case PostKind::reposts:
      return repost;
    case PostKind::quotes:
      return !repost && references(post, "quoted");
    case PostKind::media:
      return !post.media.empty();
    case PostKind::own:
      return !repost && !references(post, "replied_to") && !references(post, "quoted");
  }
  return false;
}

}  // namespace pipectl::filter
