// Reading the subcommands' options: the pieces every command line shares.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pipectl::cli {

// The value of an option given as "--name VALUE" or "--name=VALUE" at args[i] (i moves past a
// separate value); nullopt when args[i] is another option, "" when the value is missing.
std::optional<std::string> option_value(const std::vector<std::string>& args, std::size_t& i,
                                        const std::string& name);

// --status-port P (0 to 65535) and --status-bind ADDR at args[i], shared by run and status:
// nullopt when args[i] is neither; else "" once read into `port` or `bind`, or the problem.
std::optional<std::string> status_page_option(const std::vector<std::string>& args, std::size_t& i, int& port,
                                              std::string& bind);

// A whole number from `low` to `high` (at most 9 digits); nullopt otherwise.
std::optional<int> parse_count(const std::string& text, int low, int high);

class HandleList;

// What is wrong with the handles, --date and --tz of a run or an enqueue (no handle, a day
// not written YYYY-MM-DD, a zone ICU does not know), or "" when they are usable.
// `handles_file`: some --handles-file was read (the message then says it held none).
std::string handles_day_zone_problem(const HandleList& handles, bool handles_file, const std::string& date,
                                     const std::string& tz);

// Yesterday in UTC, YYYY-MM-DD: the day a run or an enqueue makes by default.
std::string yesterday_utc();

}  // namespace pipectl::cli
