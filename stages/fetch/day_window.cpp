#include "day_window.hpp"

#include "fixed_digits.hpp"

#include <unicode/gregocal.h>
#include <unicode/timezone.h>

#include <memory>
#include <stdexcept>

namespace pipectl::fetch {

namespace {
std::unique_ptr<icu::TimeZone> make_zone(const std::string& tz) {
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(tz)));
  icu::UnicodeString id;
  if (zone) zone->getID(id);
  if (!zone || id == icu::UnicodeString(UCAL_UNKNOWN_ZONE_ID))
    throw std::invalid_argument("unknown time zone '" + tz + "' (use an IANA name such as UTC or Europe/Paris)");
  return zone;
}
}  // namespace

void check_time_zone(const std::string& tz) { make_zone(tz); }

std::optional<std::chrono::year_month_day> parse_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto year = fixed_digits(text, 0, 4);
  auto month = fixed_digits(text, 5, 2);
  auto day = fixed_digits(text, 8, 2);
  if (!year || !month || !day) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                                   std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  return date;
}

DayWindow day_window(const std::string& date, const std::string& tz) {
  auto parsed = parse_date(date);
  if (!parsed) throw std::invalid_argument("date '" + date + "' is not a day written YYYY-MM-DD");
  int year = static_cast<int>(parsed->year());
  int month = static_cast<int>(static_cast<unsigned>(parsed->month()));
  int day = static_cast<int>(static_cast<unsigned>(parsed->day()));

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
