#include "json_reader.hpp"

#include <fstream>
#include <sstream>

namespace pipectl::fetch {

namespace {
std::string position(std::string_view text, size_t offset) {
  int line = 1;
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
}  // namespace

boost::json::value parse_json(std::string_view text, const std::string& source) {
  boost::json::stream_parser parser;
  boost::system::error_code error;
  size_t consumed = parser.write(text.data(), text.size(), error);
  if (!error) {
    parser.finish(error);
    consumed = text.size();
  }
  if (error) {
    std::string what = error.message();
    if (consumed >= text.size()) what = "the JSON ends too early (truncated file?)";
    throw DocumentError(source + ":" + position(text, consumed) + ": invalid JSON: " + what);
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

}  // namespace pipectl::fetch
