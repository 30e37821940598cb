#include "dataset_urls.hpp"

namespace pipectl::fetch {

namespace {

bool is_web_url(const std::string& url) { return url.starts_with("https://") || url.starts_with("http://"); }

}  // namespace

std::string resolve_dataset_url(const std::string& url, const std::filesystem::path& root) {
  if (url.empty() || url.find("://") != std::string::npos) return url;
  return "file://" + std::filesystem::weakly_canonical(root / url).string();
}

void for_each_picture_url(items::Post& post, const std::function<void(std::string& url)>& visit) {
  visit(post.author.avatar_url);
  for (auto& media : post.media) visit(media.url);
  if (post.link) visit(post.link->thumb_url);
  for (auto& entity : post.entities) visit(entity.image_url);
  if (post.repost) visit(post.repost->by.avatar_url);
  for (auto& reference : post.referenced)
    if (reference.author) visit(reference.author->avatar_url);
}

void resolve_dataset_urls(items::Post& post, const std::filesystem::path& root) {
  for_each_picture_url(post, [&](std::string& url) { url = resolve_dataset_url(url, root); });
}

void keep_web_pictures(StoredDay& day, const std::string& source, const Warn& warn) {
  if (!day.user.avatar_url.empty() && !is_web_url(day.user.avatar_url)) day.user.avatar_url.clear();
  for (items::Post& post : day.posts) {
    int dropped = 0;
    for_each_picture_url(post, [&](std::string& url) {
      if (url.empty() || is_web_url(url)) return;
      url.clear();
      ++dropped;
    });
    if (dropped > 0)
      warn(problem::bad_media, source + ", post " + post.id + ": " + std::to_string(dropped) +
                                   " picture URL(s) that are not http(s) were left out");
  }
}

}  // namespace pipectl::fetch
