#include "events.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace pipectl::cli {

std::string now_text() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return text;
}

std::optional<std::chrono::system_clock::time_point> time_of(const boost::json::object& event) {
  std::string text = text_of(event, "time");
  std::tm utc{};
  int millis = 0;
  char zone = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &utc.tm_year, &utc.tm_mon, &utc.tm_mday, &utc.tm_hour,
                  &utc.tm_min, &utc.tm_sec, &millis, &zone) != 8 ||
      zone != 'Z')
    return std::nullopt;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&utc)) + std::chrono::milliseconds(millis);
}

boost::json::object make_event(const char* name, const std::string& handle) {
  boost::json::object event;
  event["event"] = name;
  event["time"] = now_text();
  event["handle"] = handle;
  return event;
}

std::string text_of(const boost::json::object& event, const char* key) {
  auto found = event.find(key);
  if (found == event.end() || !found->value().is_string()) return {};
  return std::string(found->value().get_string());
}

double number_of(const boost::json::object& event, const char* key, double otherwise) {
  auto found = event.find(key);
  if (found == event.end() || !found->value().is_number()) return otherwise;
  return found->value().to_number<double>();
}

}  // namespace pipectl::cli
