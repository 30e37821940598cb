// Reading JSON with errors that say where: "file:line:column: message" for a document, and
// "field 'x' should be ..." for one record (a post) that the caller names and skips.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pipectl::fetch {

// The whole input is unusable (not JSON, truncated, not the expected shape).
class DocumentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A field of one record is missing or of the wrong type; the caller adds which record.
class FieldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses `text`; on a syntax error throws DocumentError naming `source`, line and column.
// Lone surrogate escapes and invalid UTF-8 inside strings are not errors: they stay in the
// strings as ill-formed UTF-8, for repair_strings (text_repair.hpp) to replace and count.
// `first_line` is the line of `source` that `text` starts on (one line of a JSONL file).
boost::json::value parse_json(std::string_view text, const std::string& source, int first_line = 1);

// Reads a whole file; throws DocumentError naming it when it cannot be read.
std::string read_file(const std::string& path);

// "a string", "an array", ... for messages.
const char* kind_name(boost::json::kind kind);

// Field accessors: a missing or null optional field gives an empty value; a field of the wrong
// type throws FieldError naming the field and what it holds.
std::string required_string(const boost::json::object& object, std::string_view name);
std::string optional_string(const boost::json::object& object, std::string_view name);
std::int64_t optional_integer(const boost::json::object& object, std::string_view name);
const boost::json::object* optional_object(const boost::json::object& object, std::string_view name);
const boost::json::array* optional_array(const boost::json::object& object, std::string_view name);
// `what` names the value in the message ("an entry of entities.urls").
const boost::json::object& as_object(const boost::json::value& value, const std::string& what);

}  // namespace pipectl::fetch
