// JSON-lines files the tests read: pipectl's --events, fake-x-api's request log.
#pragma once

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace pipectl::test {

// Every line of `file` as a JSON object. Strict: a line that is not one throws
// std::runtime_error quoting it. With `partial`, such lines are left out instead (a file that
// is still being written may end in half a line).
std::vector<boost::json::object> read_json_lines(const std::filesystem::path& file, bool partial = false);

// A string field of `object`, or "" when it is missing or not a string.
std::string string_field(const boost::json::object& object, const char* key);

}  // namespace pipectl::test
