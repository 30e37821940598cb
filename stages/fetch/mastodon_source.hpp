// Mastodon: one account's day, from its instance's public API (no token) or from a stored copy.
//   live:   GET {base}/api/v1/accounts/lookup?acct=user@instance, then
//           GET {base}/api/v1/accounts/:id/statuses?limit=40, newest first, following the Link
//           header's rel="next" (or max_id = the page's oldest id when there is no Link) until
//           a status is older than the day. Waits and retries as every live source does
//           (api_calls.hpp); rate limits come in x-ratelimit-* headers.
//   stored: <dir>/<user@instance>/account.json            the lookup's answer
//           <dir>/<user@instance>/statuses/page-1.json    the first page
//           <dir>/<user@instance>/statuses/<max_id>.json  the page below max_id, the id of the
//                                                          previous page's last (oldest) status
//           pictures under <dir>/media/ (relative URLs).
#pragma once

#include <filesystem>
#include <string>

#include "api_calls.hpp"
#include "day_window.hpp"
#include "problems.hpp"
#include "stored_pages.hpp"

namespace pipectl::fetch {

struct MastodonSettings : ApiCallSettings {
  std::string api_base;  // empty: https://<instance of the handle>; tests point it at a loopback server
};

// `handle` is user@instance (handle_forms.hpp). Throws std::runtime_error naming the handle
// when it is not one (before any call), when the instance has no such account, refuses or is
// gone, or when a fault outlasts the retries.
StoredDay read_mastodon(const MastodonSettings& settings, const std::string& handle, const DayWindow& window,
                        const ApiHooks& hooks);

// Throws std::runtime_error naming the file when account.json or the first page is unusable; a
// later page that cannot be read is reported through `warn` and ends the reading there.
StoredDay read_stored_mastodon(const std::filesystem::path& dir, const std::string& handle, const Warn& warn);

}  // namespace pipectl::fetch
