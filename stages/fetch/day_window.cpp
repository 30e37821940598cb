#include "day_window.hpp"

#include <unicode/gregocal.h>
#include <unicode/timezone.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace pipectl::fetch {

namespace {
std::unique_ptr<icu::TimeZone> make_zone(const std::string& tz) {
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(tz)));
  icu::UnicodeString id;
  zone->getID(id);
  if (!zone || id == icu::UnicodeString(UCAL_UNKNOWN_ZONE_ID))
    throw std::invalid_argument("unknown time zone '" + tz + "' (use an IANA name such as UTC or Europe/Paris)");
  return zone;
}
}  // namespace

void check_time_zone(const std::string& tz) { make_zone(tz); }

DayWindow day_window(const std::string& date, const std::string& tz) {
  int year = 0, month = 0, day = 0;
  char extra = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &extra) != 3)
    throw std::invalid_argument("date '" + date + "' is not YYYY-MM-DD");
  std::chrono::year_month_day checked{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                      std::chrono::day(static_cast<unsigned>(day))};
  if (!checked.ok()) throw std::invalid_argument("date '" + date + "' does not exist");

  UErrorCode status = U_ZERO_ERROR;
  icu::GregorianCalendar calendar(make_zone(tz).release(), status);  // adopts the zone
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU calendar: ") + u_errorName(status));
  calendar.clear();
  calendar.set(year, month - 1, day, 0, 0, 0);
  UDate start = calendar.getTime(status);
  calendar.add(UCAL_DATE, 1, status);
  UDate end = calendar.getTime(status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU calendar: ") + u_errorName(status));
  // UDate is milliseconds since the epoch; midnights fall on whole seconds.
  auto to_seconds = [](UDate ms) { return std::chrono::sys_seconds(std::chrono::seconds(static_cast<long long>(ms / 1000))); };
  return DayWindow{to_seconds(start), to_seconds(end)};
}

}  // namespace pipectl::fetch
