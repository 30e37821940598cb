// Picture URLs as sources hand them on.
//  - A stored dataset (the sample data, test fixtures): a URL without a scheme, such as
//    "media/wide-launchpad.jpg", is relative to the dataset's folder and becomes a file:// URL;
//    anything with a scheme (https://...) stays as it is. Every stored source (X, Bluesky,
//    Mastodon) resolves its posts' pictures with these.
//  - A live answer: only http(s) pictures are kept. download-media also reads file:// URLs and
//    paths (for stored data), and a server, which for Mastodon is any host a handle names,
//    must not make it read this machine's files into a video.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "items/post.hpp"
#include "problems.hpp"
#include "stored_pages.hpp"

namespace pipectl::fetch {

std::string resolve_dataset_url(const std::string& url, const std::filesystem::path& root);

// Every picture a post names: its author's avatar, its media, its link card's picture, its
// custom emoji, and the avatars of whoever reposted it and of the posts it references.
void for_each_picture_url(items::Post& post, const std::function<void(std::string& url)>& visit);

void resolve_dataset_urls(items::Post& post, const std::filesystem::path& root);

// Empties every picture URL of `day` (user and posts) that is not http:// or https://: the
// card then goes without that picture. Each post that had one is a warning naming it.
void keep_web_pictures(StoredDay& day, const std::string& source, const Warn& warn);

}  // namespace pipectl::fetch
