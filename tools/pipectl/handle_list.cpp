#include "handle_list.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>

#include "fetch/fetch.hpp"

namespace pipectl::cli {

bool valid_handle(const std::string& handle) { return fetch::is_handle(handle); }

std::string folded_handle(const std::string& handle) {
  std::string folded = handle;
  for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return folded;
}

std::string HandleList::add(const std::string& given, const std::string& where) {
  // "@nasa" and "@ada@mastodon.social" as people write them: the first '@' is not the handle's.
  const std::string handle = given.starts_with('@') ? given.substr(1) : given;
  if (!valid_handle(handle)) {
    std::string shown = given.size() > 40 ? given.substr(0, 40) + "..." : given;
    return "'" + shown + "' is not a handle (an X username of 1-15 letters, digits or _; a Bluesky handle such as "
           "alice.bsky.social; or a Mastodon address such as @ada@mastodon.social)";
  }
  auto [found, added] = index_.try_emplace(folded_handle(handle), handles_.size());
  if (!added)
    return "'" + handle + "' is given twice (first as '" + handles_[found->second] + "' at " + given_at_[found->second] + ")";
  handles_.push_back(handle);
  given_at_.push_back(where);
  return {};
}

std::string HandleList::add_commas(const std::string& text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = std::min(text.find(',', start), text.size());
    std::string handle = text.substr(start, comma - start);
    if (!handle.empty())
      if (auto problem = add(handle, "--handles"); !problem.empty()) return "--handles: " + problem;
    start = comma + 1;
  }
  return {};
}

std::string HandleList::add_lines(std::istream& in, const std::string& source) {
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    auto space = [](unsigned char c) { return std::isspace(c) != 0; };
    while (!line.empty() && space(static_cast<unsigned char>(line.back()))) line.pop_back();
    std::size_t first = 0;
    while (first < line.size() && space(static_cast<unsigned char>(line[first]))) ++first;
    line.erase(0, first);
    if (line.empty()) continue;
    std::string where = source + ":" + std::to_string(number);
    if (auto problem = add(line, where); !problem.empty()) return where + ": " + problem;
  }
  if (in.bad()) return source + ": cannot be read";
  return {};
}

std::string HandleList::add_file(const std::string& path) {
  if (path == "-") return add_lines(std::cin, "stdin");
  std::ifstream file(path);
  if (!file) return path + ": cannot be read (no such file, or no permission)";
  return add_lines(file, path);
}

}  // namespace pipectl::cli
