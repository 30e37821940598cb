// Mastodon's pagination: a statuses page names the next (older) and previous (newer) pages in
// a Link header, as Mastodon writes it:
//   <BASE/api/v1/accounts/ID/statuses?limit=40&max_id=LAST>; rel="next",
//   <BASE/api/v1/accounts/ID/statuses?limit=40&min_id=FIRST>; rel="prev"
// The request's own limit and filters (only_media, exclude_replies, exclude_reblogs, pinned,
// tagged) are carried along; the parameters are in name order, as Rails' to_query puts them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api_parameters.hpp"

namespace fake_x_api {

struct PageEnds {
  std::string first_id;  // the newest status
  std::string last_id;   // the oldest
};

// The ids of a page's first and last statuses, or nullopt when the page is not a non-empty
// JSON array whose first and last elements have string ids.
std::optional<PageEnds> page_ends(std::string_view page_json);

// The Link header's value; without a next page (`has_next` false), only the prev link.
std::string statuses_link(std::string_view base, std::string_view account_id, const QueryParameters& query,
                          const PageEnds& ends, bool has_next);

}  // namespace fake_x_api
