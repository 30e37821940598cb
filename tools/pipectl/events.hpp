// The events of `pipectl run`: what a handle's process tells the supervisor, one JSON object
// per line. Every event has "event", "time" (UTC, ISO 8601 with milliseconds) and "handle";
// the README lists the events and their fields.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace pipectl::cli {

// UTC now, as 2026-11-25T10:00:00.123Z.
std::string now_text();

// The event's "time" (2026-11-25T10:00:00.123Z), when it has one that reads as such.
std::optional<std::chrono::system_clock::time_point> time_of(const boost::json::object& event);

// {"event": name, "time": now, "handle": handle}.
boost::json::object make_event(const char* name, const std::string& handle);

// A string field, or "" when it is missing or not a string.
std::string text_of(const boost::json::object& event, const char* key);

// A number field, or `otherwise` when it is missing or not a number.
double number_of(const boost::json::object& event, const char* key, double otherwise = 0);

}  // namespace pipectl::cli
