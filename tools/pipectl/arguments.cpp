#include "arguments.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>

#include "fetch/fetch.hpp"
#include "handle_list.hpp"

namespace pipectl::cli {

std::optional<std::string> option_value(const std::vector<std::string>& args, std::size_t& i,
                                        const std::string& name) {
  const std::string& arg = args[i];
  if (arg == name) return i + 1 < args.size() ? args[++i] : std::string();
  if (arg.starts_with(name + "=")) return arg.substr(name.size() + 1);
  return std::nullopt;
}

std::optional<int> parse_count(const std::string& text, int low, int high) {
  if (text.empty() || text.size() > 9) return std::nullopt;  // 9 digits always fit an int
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  const int value = std::stoi(text);
  if (value < low || value > high) return std::nullopt;
  return value;
}

std::optional<std::string> status_page_option(const std::vector<std::string>& args, std::size_t& i, int& port,
                                              std::string& bind) {
  if (auto value = option_value(args, i, "--status-port")) {
    auto number = parse_count(*value, 0, 65535);
    if (!number) return "--status-port '" + *value + "' is not a port from 0 to 65535";
    port = *number;
    return std::string();
  }
  if (auto value = option_value(args, i, "--status-bind")) {
    if (value->empty()) return std::string("--status-bind needs an IP address");
    bind = *value;
    return std::string();
  }
  return std::nullopt;
}

std::string yesterday_utc() {
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  std::chrono::year_month_day day{today - std::chrono::days(1)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                static_cast<unsigned>(day.day()));
  return text;
}

std::string handles_day_zone_problem(const HandleList& handles, bool handles_file, const std::string& date,
                                     const std::string& tz) {
  if (handles.handles().empty())
    return handles_file ? std::string("the handles file holds no handle (only comments or blank lines)")
                        : std::string("give the handles to run with --handles a,b,c or --handles-file FILE");
  if (!date.empty() && !fetch::is_date(date)) return "--date '" + date + "' is not a day written YYYY-MM-DD";
  if (!fetch::is_time_zone(tz)) return "--tz '" + tz + "' is not an IANA time zone (e.g. UTC, Europe/Paris)";
  return {};
}

}  // namespace pipectl::cli
