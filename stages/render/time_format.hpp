// Dates and times as the cards show them, in the run's time zone (ICU: IANA zone data and
// English month and day names).
#pragma once

#include <unicode/utypes.h>

#include <chrono>
#include <memory>
#include <string>

// `icu` is an alias of a versioned namespace, so forward declarations go through ICU's macros.
U_NAMESPACE_BEGIN
class SimpleDateFormat;
class TimeZone;
U_NAMESPACE_END

namespace pipectl::render {

// Whether ICU knows the IANA zone `zone` (what TimeFormatter needs).
bool is_time_zone(const std::string& zone);

class TimeFormatter {
 public:
  // `zone` is an IANA name ("Europe/Paris", "UTC"). Throws std::invalid_argument when ICU
  // does not know it.
  explicit TimeFormatter(const std::string& zone);
  TimeFormatter(const TimeFormatter&) = delete;
  TimeFormatter& operator=(const TimeFormatter&) = delete;
  ~TimeFormatter();

  // "14:05 · Tue 24 Nov 2026": the local time of a post.
  std::string post_time(std::chrono::sys_seconds time) const;
  // "2026-11-24": the local day `time` falls on.
  std::string local_day(std::chrono::sys_seconds time) const;
  // "Tuesday, 24 November 2026" for "2026-11-24" (a calendar day: no zone applies). A string
  // that is not a valid YYYY-MM-DD comes back unchanged.
  std::string long_date(const std::string& day) const;

 private:
  std::unique_ptr<icu::TimeZone> zone_;
  std::unique_ptr<icu::SimpleDateFormat> time_format_;
  std::unique_ptr<icu::SimpleDateFormat> day_format_;
  std::unique_ptr<icu::SimpleDateFormat> long_date_format_;
};

}  // namespace pipectl::render
