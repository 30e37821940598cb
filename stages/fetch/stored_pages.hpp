// Posts stored on disk exactly as the X API v2 returned them (the bundled sample data):
//   <dir>/<handle>/user.json          GET /2/users/by/username/:username
//   <dir>/<handle>/pages/page-1.json  GET /2/users/:id/tweets, first page
//   <dir>/<handle>/pages/<T>.json     the page that meta.next_token T of the previous page names
// Media URLs without a scheme are relative to <dir> and become file:// URLs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "items/post.hpp"
#include "problems.hpp"

namespace pipectl::fetch {

struct StoredDay {
  items::Author user;
  std::vector<items::Post> posts;  // every post of every page, unsorted, unfiltered
};

// Throws std::runtime_error naming the handle when it has no stored data, or naming the file
// when user.json or the first page is unusable. A later page or a single post that cannot be
// read is reported through `warn` and skipped.
StoredDay read_stored_pages(const std::string& dir, const std::string& handle, const Warn& warn);

}  // namespace pipectl::fetch
