// The live source: one handle's day from the X API v2 over HTTPS. Looks the user up
// (GET /2/users/by/username/:username), then reads its posts of the day window
// (GET /2/users/:id/tweets, start_time/end_time, 100 a page, following meta.next_token).
// Waits and retries as every live source does (api_calls.hpp). The bearer token goes into the
// Authorization header only, never into a message.
#pragma once

#include <chrono>
#include <string>

#include "api_calls.hpp"
#include "day_window.hpp"
#include "stored_pages.hpp"

namespace pipectl::fetch {

struct XApiSettings : ApiCallSettings {
  std::string api_base = "https://api.x.com";  // tests point it at a loopback server
  std::string token;                           // the bearer token (X_BEARER_TOKEN)
};

using XApiHooks = ApiHooks;

// Throws std::runtime_error naming the handle and what went wrong (unknown, suspended or
// protected account, refused token, a fault that outlasted the retries).
StoredDay read_x_api(const XApiSettings& settings, const std::string& handle, const DayWindow& window,
                     const XApiHooks& hooks);

// "2026-11-24T05:00:00Z": the API's start_time/end_time format.
std::string api_time_text(std::chrono::sys_seconds time);

}  // namespace pipectl::fetch
