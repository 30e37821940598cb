// The live source: one handle's day from the X API v2 over HTTPS. Looks the user up
// (GET /2/users/by/username/:username), then reads its posts of the day window
// (GET /2/users/:id/tweets, start_time/end_time, 100 a page, following meta.next_token).
// Waits out rate limits (429, or nothing remaining) and says so; retries 5xx answers,
// dropped connections, time-outs and unreadable bodies with capped exponential backoff and
// jitter; every call holds a slot of the run's API gate (api_gate.hpp). The bearer token goes
// into the Authorization header only, never into a message.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "day_window.hpp"
#include "net/http_client.hpp"
#include "problems.hpp"
#include "stored_pages.hpp"

namespace pipectl::fetch {

struct XApiSettings {
  std::string api_base = "https://api.x.com";  // tests point it at a loopback server
  std::string token;                           // the bearer token (X_BEARER_TOKEN)
  int retries = 4;                             // extra attempts after a fault
  std::chrono::milliseconds backoff{1000};     // first retry delay; doubles, with jitter
  std::chrono::milliseconds backoff_cap{30000};
  std::chrono::seconds max_wait{900};          // a longer rate-limit wait fails the handle
  net::HttpOptions http;                       // time-outs, response size cap, CA file
};

struct XApiHooks {
  Warn warn;
  std::function<void(const std::string& reason, double seconds)> notify_wait;
  std::function<bool()> cancelled;  // waits end early (std::runtime_error) once this is true
};

// Throws std::runtime_error naming the handle and what went wrong (unknown, suspended or
// protected account, refused token, a fault that outlasted the retries).
StoredDay read_x_api(const XApiSettings& settings, const std::string& handle, const DayWindow& window,
                     const XApiHooks& hooks);

// "2026-11-24T05:00:00Z": the API's start_time/end_time format.
std::string api_time_text(std::chrono::sys_seconds time);

}  // namespace pipectl::fetch
