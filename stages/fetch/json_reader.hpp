// Reading JSON with errors that say where: "file:line:column: message".
#pragma once

#include <boost/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pipectl::fetch {

// The whole input is unusable (not JSON, truncated, not the expected shape).
class DocumentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses `text`; on a syntax error throws DocumentError naming `source`, line and column.
boost::json::value parse_json(std::string_view text, const std::string& source);

// Reads a whole file; throws DocumentError naming it when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace pipectl::fetch
