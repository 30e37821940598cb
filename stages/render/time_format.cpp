#include "time_format.hpp"

#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>

#include <charconv>
#include <chrono>
#include <stdexcept>

namespace pipectl::render {

namespace {

std::unique_ptr<icu::SimpleDateFormat> make_format(const char16_t* pattern,
                                                   const icu::TimeZone& zone) {
  UErrorCode status = U_ZERO_ERROR;
  auto format = std::make_unique<icu::SimpleDateFormat>(icu::UnicodeString(pattern),
                                                        icu::Locale::getEnglish(), status);
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("ICU date format: ") + u_errorName(status));
  format->setTimeZone(zone);
  return format;
}

std::string format(const icu::SimpleDateFormat& format, UDate when) {
  icu::UnicodeString text;
  format.format(when, text);
  std::string utf8;
  text.toUTF8String(utf8);
  return utf8;
}

UDate to_udate(std::chrono::sys_seconds time) {
  return static_cast<UDate>(time.time_since_epoch().count()) * 1000.0;  // ms since the epoch
}

}  // namespace

bool is_time_zone(const std::string& zone) {
  try {
    TimeFormatter formatter(zone);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

TimeFormatter::TimeFormatter(const std::string& zone) {
  zone_.reset(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(zone)));
  // ICU answers an unknown name with the "Etc/Unknown" zone (which behaves as GMT) rather
  // than an error: a typo would silently show UTC times.
  if (!zone_ || *zone_ == icu::TimeZone::getUnknown())
    throw std::invalid_argument("unknown time zone '" + zone +
                                "': use an IANA name such as UTC or Europe/Paris");
  time_format_ = make_format(u"HH:mm '\u00B7' EEE d MMM y", *zone_);
  day_format_ = make_format(u"yyyy-MM-dd", *zone_);
  std::unique_ptr<icu::TimeZone> utc(icu::TimeZone::createTimeZone(u"UTC"));
  long_date_format_ = make_format(u"EEEE, d MMMM y", *utc);
}

TimeFormatter::~TimeFormatter() = default;

std::string TimeFormatter::post_time(std::chrono::sys_seconds time) const {
  return format(*time_format_, to_udate(time));
}

std::string TimeFormatter::local_day(std::chrono::sys_seconds time) const {
  return format(*day_format_, to_udate(time));
}

std::string TimeFormatter::long_date(const std::string& day) const {
  int y = 0;
  unsigned m = 0, d = 0;
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return day;
  const char* s = day.data();
  if (std::from_chars(s, s + 4, y).ptr != s + 4 || std::from_chars(s + 5, s + 7, m).ptr != s + 7 ||
      std::from_chars(s + 8, s + 10, d).ptr != s + 10)
    return day;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) return day;
  // Noon UTC of that day, formatted in UTC: the calendar day, whatever the run's zone.
  const auto noon = std::chrono::sys_days{ymd} + std::chrono::hours{12};
  return format(*long_date_format_,
                to_udate(std::chrono::time_point_cast<std::chrono::seconds>(noon)));
}

}  // namespace pipectl::render
