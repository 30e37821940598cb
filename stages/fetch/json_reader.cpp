#include "json_reader.hpp"

#include "text_repair.hpp"

#include <fstream>
#include <optional>
#include <sstream>

namespace pipectl::fetch {

namespace json = boost::json;

namespace {
std::string position(std::string_view text, size_t offset, int first_line) {
  int line = first_line;
  int column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

std::string wrong_type(std::string_view name, const char* expected, const json::value& value) {
  std::string message = "field '";
  message.append(name).append("' should be ").append(expected).append(", not ").append(kind_name(value.kind()));
  return message;
}
}  // namespace

json::value parse_json(std::string_view original, const std::string& source, int first_line) {
  // Broken text inside a string costs only that string (see text_repair.hpp), never the document.
  std::optional<std::string> marked = mark_lone_surrogates(original);
  std::string_view text = marked ? std::string_view(*marked) : original;
  json::parse_options options;
  options.allow_invalid_utf8 = true;
  // Boost's default (32) refuses a whole page for one deeply nested field nobody reads; the
  // cap still bounds the recursion of whoever walks the document (repair_strings, destructors).
  options.max_depth = 1000;
  json::stream_parser parser({}, options);
  boost::system::error_code error;
  size_t consumed = parser.write(text.data(), text.size(), error);
  if (!error) {
    parser.finish(error);
    consumed = text.size();
  }
  if (error) {
    std::string what = error.message();
    if (consumed >= text.size()) what = "the JSON ends too early (truncated file?)";
    throw DocumentError(source + ":" + position(text, consumed, first_line) + ": invalid JSON: " + what);
  }
  return parser.release();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DocumentError(path + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw DocumentError(path + ": read error");
  return text.str();
}

const char* kind_name(json::kind kind) {
  switch (kind) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "?";
}

std::string required_string(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (!value) throw FieldError("missing field '" + std::string(name) + "'");
  if (!value->is_string()) throw FieldError(wrong_type(name, "a string", *value));
  return std::string(value->get_string());
}

std::string optional_string(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (!value || value->is_null()) return {};
  if (!value->is_string()) throw FieldError(wrong_type(name, "a string", *value));
  return std::string(value->get_string());
}

std::int64_t optional_integer(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (!value || value->is_null()) return 0;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64()) return static_cast<std::int64_t>(value->get_uint64());
  throw FieldError(wrong_type(name, "an integer", *value));
}

const json::object* optional_object(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (!value || value->is_null()) return nullptr;
  if (!value->is_object()) throw FieldError(wrong_type(name, "an object", *value));
  return &value->get_object();
}

const json::array* optional_array(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (!value || value->is_null()) return nullptr;
  if (!value->is_array()) throw FieldError(wrong_type(name, "an array", *value));
  return &value->get_array();
}

const json::object& as_object(const json::value& value, const std::string& what) {
  if (!value.is_object()) throw FieldError(what + " should be an object, not " + kind_name(value.kind()));
  return value.get_object();
}

}  // namespace pipectl::fetch
