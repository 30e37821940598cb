#include "dataset_urls.hpp"

namespace pipectl::fetch {

std::string resolve_dataset_url(const std::string& url, const std::filesystem::path& root) {
  if (url.empty() || url.find("://") != std::string::npos) return url;
  return "file://" + std::filesystem::weakly_canonical(root / url).string();
}

void resolve_dataset_urls(items::Post& post, const std::filesystem::path& root) {
  auto resolve = [&](std::string& url) { url = resolve_dataset_url(url, root); };
  resolve(post.author.avatar_url);
  for (auto& media : post.media) resolve(media.url);
  if (post.link) resolve(post.link->thumb_url);
  for (auto& entity : post.entities) resolve(entity.image_url);
  if (post.repost) resolve(post.repost->by.avatar_url);
  for (auto& reference : post.referenced)
    if (reference.author) resolve(reference.author->avatar_url);
}

}  // namespace pipectl::fetch
