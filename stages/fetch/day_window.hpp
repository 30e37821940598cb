// The day a run covers: from local midnight to the next local midnight in an IANA time zone,
// as UTC instants (a day is 23 or 25 hours long when the clocks change).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace pipectl::fetch {

struct DayWindow {
  std::chrono::sys_seconds start;  // inclusive
  std::chrono::sys_seconds end;    // exclusive
  bool contains(std::chrono::sys_seconds time) const { return time >= start && time < end; }
};

// `date` is YYYY-MM-DD, `tz` an IANA name such as "America/New_York" or "UTC".
// Throws std::invalid_argument naming the bad date or zone.
DayWindow day_window(const std::string& date, const std::string& tz);

// A calendar date written exactly YYYY-MM-DD; nullopt for anything else or a day that does
// not exist.
std::optional<std::chrono::year_month_day> parse_date(const std::string& text);

// Throws std::invalid_argument when `tz` is not a time zone ICU knows.
void check_time_zone(const std::string& tz);

}  // namespace pipectl::fetch
