// What every stored dataset layout shares (X pages, Mastodon statuses: <dir>/<handle>/...):
// pictures beside the JSON, where a URL without a scheme ("media/sunrise.png") is relative to
// the dataset's root and becomes a file:// URL (anything with a scheme stays as it is); and
// page files named by what the previous page says (a next_token, a max_id).
#pragma once

#include <filesystem>
#include <string>

#include "items/post.hpp"

namespace pipectl::fetch {

// Whether `name` may name a page file: letters, digits, '-' and '_' only (no path), and short.
bool is_page_name(const std::string& name);

std::string resolve_url(const std::string& url, const std::filesystem::path& root);

// Every picture URL of `post`: its media, the avatars (author, reposter, referenced authors),
// the link card's picture and the custom emoji.
void resolve_post_urls(items::Post& post, const std::filesystem::path& root);

}  // namespace pipectl::fetch
