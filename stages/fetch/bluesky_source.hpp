// Bluesky sources: one handle's posts from Bluesky's public AppView over HTTPS (no account, no
// token), or from a dataset stored in the same shape. Live: GET app.bsky.actor.getProfile, then
// app.bsky.feed.getAuthorFeed (posts with replies, 100 a page), following `cursor` back until
// the feed reaches posts older than the day (the feed cannot be asked for a time range); waits
// and retries as every live source does (api_calls.hpp). Stored:
//   <dir>/<handle>/profile.json       the getProfile answer
//   <dir>/<handle>/feed/page-1.json   the first getAuthorFeed answer
//   <dir>/<handle>/feed/<C>.json      the page that cursor C of the previous page names
// Picture URLs without a scheme are relative to <dir> (dataset_urls.hpp).
#pragma once

#include <filesystem>
#include <string>

#include "api_calls.hpp"
#include "day_window.hpp"
#include "stored_pages.hpp"

namespace pipectl::fetch {

struct BlueskySettings : ApiCallSettings {
  std::string api_base = "https://public.api.bsky.app";  // Bluesky's cached public AppView
};

// Throws std::runtime_error naming the handle and what went wrong: not a Bluesky handle (a
// domain name), an unknown, taken down or deactivated account, a fault that outlasted the
// retries, a feed that pages for ever.
StoredDay read_bluesky(const BlueskySettings& settings, const std::string& handle, const DayWindow& window,
                       const ApiHooks& hooks);

// Whether <dir>/<handle> holds a stored Bluesky dataset (profile.json or feed/).
bool is_stored_bluesky(const std::filesystem::path& dir, const std::string& handle);

// Throws std::runtime_error naming the file when profile.json or the first page is unusable or
// an error (an account taken down); a later page that cannot be read is reported through
// `warn` and ends the day there, and so is a cursor that names no new page.
StoredDay read_stored_bluesky(const std::filesystem::path& dir, const std::string& handle, const Warn& warn);

}  // namespace pipectl::fetch
