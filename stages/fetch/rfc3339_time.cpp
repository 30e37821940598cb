#include "rfc3339_time.hpp"

#include "day_window.hpp"
#include "fixed_digits.hpp"

namespace pipectl::fetch {

std::optional<std::chrono::sys_seconds> parse_rfc3339(const std::string& text) {
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  auto date = parse_date(text.substr(0, 10));
  auto hour = fixed_digits(text, 11, 2);
  auto minute = fixed_digits(text, 14, 2);
  auto second = fixed_digits(text, 17, 2);
  if (!date || !hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  std::size_t at = 19;
  if (text[at] == '.') {
    std::size_t digits = 0;
    while (++at < text.size() && text[at] >= '0' && text[at] <= '9') ++digits;
    if (digits == 0 || digits > 9) return std::nullopt;
  }
  using namespace std::chrono;
  sys_seconds time = sys_days(*date) + hours(*hour) + minutes(*minute) + seconds(*second);
  const std::string zone = text.substr(at);
  if (zone == "Z" || zone == "z") return time;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
  auto offset_hours = fixed_digits(zone, 1, 2);
  auto offset_minutes = fixed_digits(zone, 4, 2);
  if (!offset_hours || !offset_minutes || *offset_hours > 23 || *offset_minutes > 59) return std::nullopt;
  const seconds offset = hours(*offset_hours) + minutes(*offset_minutes);
  // Local time minus its offset east of UTC is UTC.
  return zone[0] == '+' ? time - offset : time + offset;
}

}  // namespace pipectl::fetch
