#include "json_lines.hpp"

#include <fstream>
#include <stdexcept>

namespace pipectl::test {

std::vector<boost::json::object> read_json_lines(const std::filesystem::path& file, bool partial) {
  std::vector<boost::json::object> objects;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code error;
    boost::json::value value = boost::json::parse(line, error);
    if (!error && value.is_object()) {
      objects.push_back(std::move(value.get_object()));
    } else if (!partial) {
      throw std::runtime_error(file.string() + ": not a JSON object: " + line);
    }
  }
  return objects;
}

std::string string_field(const boost::json::object& object, const char* key) {
  auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

}  // namespace pipectl::test
