#include "stored_dataset.hpp"

#include <algorithm>
#include <cctype>

namespace pipectl::fetch {

bool is_page_name(const std::string& name) {
  return !name.empty() && name.size() < 200 && std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
         });
}

std::string resolve_url(const std::string& url, const std::filesystem::path& root) {
  if (url.empty() || url.find("://") != std::string::npos) return url;
  return "file://" + std::filesystem::weakly_canonical(root / url).string();
}

void resolve_post_urls(items::Post& post, const std::filesystem::path& root) {
  for (auto& media : post.media) media.url = resolve_url(media.url, root);
  post.author.avatar_url = resolve_url(post.author.avatar_url, root);
  if (post.repost) post.repost->by.avatar_url = resolve_url(post.repost->by.avatar_url, root);
  for (auto& reference : post.referenced)
    if (reference.author) reference.author->avatar_url = resolve_url(reference.author->avatar_url, root);
  if (post.link) post.link->thumb_url = resolve_url(post.link->thumb_url, root);
  for (auto& entity : post.entities)
    if (entity.kind == items::EntityKind::custom_emoji) entity.image_url = resolve_url(entity.image_url, root);
}

}  // namespace pipectl::fetch
