// Formats a time point in UTC with gmtime_r and strftime.
#include "utc_time.hpp"

#include <cstdio>
#include <ctime>

namespace fake_x_api {

std::string utc_text(std::chrono::system_clock::time_point time) {
  auto milliseconds = std::chrono::floor<std::chrono::milliseconds>(time.time_since_epoch()).count();
  auto seconds = static_cast<std::time_t>(std::chrono::floor<std::chrono::seconds>(time.time_since_epoch()).count());
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(milliseconds - seconds * 1000LL));
  return std::string(text).append(fraction);
}

}  // namespace fake_x_api
