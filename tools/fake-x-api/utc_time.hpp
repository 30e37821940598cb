// UTC times as ISO 8601 text with milliseconds, "2026-11-25T10:00:00.123Z": the request log's
// times and Mastodon's x-ratelimit-reset.
#pragma once

#include <chrono>
#include <string>

namespace fake_x_api {

std::string utc_text(std::chrono::system_clock::time_point time);

}  // namespace fake_x_api
