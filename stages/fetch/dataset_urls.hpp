// Picture URLs in a stored dataset (the sample data, test fixtures): a URL without a scheme,
// such as "media/wide-launchpad.jpg", is relative to the dataset's folder and becomes a
// file:// URL; anything with a scheme (https://...) stays as it is. Every stored source (X,
// Bluesky, Mastodon) resolves its posts' pictures with these.
#pragma once

#include <filesystem>
#include <string>

#include "items/post.hpp"

namespace pipectl::fetch {

std::string resolve_dataset_url(const std::string& url, const std::filesystem::path& root);

// Every picture a post names: its author's avatar, its media, its link card's picture, its
// custom emoji, and the avatars of whoever reposted it and of the posts it references.
void resolve_dataset_urls(items::Post& post, const std::filesystem::path& root);

}  // namespace pipectl::fetch
