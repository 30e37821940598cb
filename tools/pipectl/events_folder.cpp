#include "events_folder.hpp"

#include <algorithm>
#include <fstream>

namespace pipectl::cli {

namespace json = boost::json;

namespace {

constexpr std::size_t head_size = 64;

std::string read_head(std::ifstream& in) {
  std::string head(head_size, '\0');
  in.seekg(0);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
  in.clear();
  return head;
}

}  // namespace

std::vector<json::object> EventsFolder::read_new() {
  std::vector<json::object> events;
  std::error_code error;
  std::vector<std::filesystem::path> paths;
  for (std::filesystem::directory_iterator it(folder_, error), end; !error && it != end; it.increment(error))
    if (it->path().extension() == ".jsonl" && it->is_regular_file(error)) paths.push_back(it->path());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) read_file(path, files_[path.filename().string()], events);
  return events;
}

void EventsFolder::read_file(const std::filesystem::path& path, FileState& state, std::vector<json::object>& events) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;  // gone between listing and opening: read it next time
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::uintmax_t>(std::max<std::streamoff>(0, in.tellg()));
  std::string head = read_head(in);
  // Shorter than what was read, or other first bytes: the file was written anew.
  bool rewritten = size < state.offset ||
                   (state.offset > 0 && head.compare(0, std::min(head.size(), state.head.size()), state.head, 0,
                                                     std::min(head.size(), state.head.size())) != 0);
  if (rewritten) state = FileState{};
  if (state.head.size() < head_size) state.head = head;
  if (size == state.offset) return;

  std::string text(static_cast<std::size_t>(size - state.offset), '\0');
  in.seekg(static_cast<std::streamoff>(state.offset));
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
  // Only whole lines: the rest is still being written.
  std::size_t end = text.rfind('\n');
  if (end == std::string::npos) return;
  state.offset += end + 1;
  std::size_t start = 0;
  while (start <= end) {
    std::size_t newline = text.find('\n', start);
    std::string_view line(text.data() + start, newline - start);
    start = newline + 1;
    if (line.empty()) continue;
    boost::system::error_code parse_error;
    json::value value = json::parse(line, parse_error);
    if (parse_error || !value.is_object() || !value.get_object().contains("event") ||
        !value.get_object().contains("handle") || !value.get_object().at("handle").is_string()) {
      ++unreadable_;
      continue;
    }
    events.push_back(std::move(value.get_object()));
  }
}

}  // namespace pipectl::cli
