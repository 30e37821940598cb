// A stored dataset names each page after the one before it: X's pages/<next_token>.json,
// Mastodon's statuses/<max_id>.json (the previous page's last status id). The name comes from
// the data, so only one that cannot leave the folder is used.
#pragma once

#include <string>

namespace pipectl::fetch {

// Letters, digits, '-' and '_' only (no path, no dots), fewer than 200 of them.
bool is_page_name(const std::string& name);

}  // namespace pipectl::fetch
