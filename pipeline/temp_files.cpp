#include "pipectl/temp_files.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <string>

namespace pipectl {

std::filesystem::path temp_path_for(const std::filesystem::path& final_path, std::string_view suffix) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::path temp = final_path;
  temp += std::string(".part-").append(std::to_string(::getpid())).append("-").append(std::to_string(counter++))
              .append(suffix);
  return temp;
}

std::optional<pid_t> temp_file_writer(std::string_view name, std::string_view final_name, std::string_view suffix) {
  constexpr std::string_view marker = ".part-";
  // At least "<final>.part-" + "0-0" + suffix: the final file itself must not match.
  if (name.size() < final_name.size() + marker.size() + 3 + suffix.size()) return std::nullopt;
  if (!name.starts_with(final_name) || !name.ends_with(suffix)) return std::nullopt;
  name.remove_prefix(final_name.size());
  name.remove_suffix(suffix.size());
  if (!name.starts_with(marker)) return std::nullopt;
  name.remove_prefix(marker.size());  // "<pid>-<n>"
  auto dash = name.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 9 || dash + 1 == name.size()) return std::nullopt;
  for (size_t i = 0; i < name.size(); ++i)
    if (i != dash && !std::isdigit(static_cast<unsigned char>(name[i]))) return std::nullopt;
  return static_cast<pid_t>(std::stol(std::string(name.substr(0, dash))));
}

bool process_runs(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  std::ifstream stat(std::string("/proc/").append(std::to_string(pid)).append("/stat"));
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: trust kill()
  auto name_end = line.rfind(')');             // "pid (name) S ...": the name may hold spaces
  return name_end == std::string::npos || name_end + 2 >= line.size() || line[name_end + 2] != 'Z';
}

std::vector<std::filesystem::path> remove_stale_temp_files(const std::filesystem::path& final_path) {
  std::vector<std::filesystem::path> removed;
  std::error_code error;
  std::filesystem::path folder = final_path.parent_path().empty() ? "." : final_path.parent_path();
  std::filesystem::directory_iterator entries(folder, error);
  if (error) return removed;  // no folder yet: nothing left behind
  const std::string final_name = final_path.filename().string();
  const std::string marker = final_name + ".part-";
  for (const auto& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(marker)) continue;
    // The suffix is whatever follows "<pid>-<n>": ".mp4", ".png", or nothing.
    size_t end = marker.size();
    while (end < name.size() && (std::isdigit(static_cast<unsigned char>(name[end])) || name[end] == '-')) ++end;
    auto pid = temp_file_writer(name, final_name, std::string_view(name).substr(end));
    if (!pid || !entry.is_regular_file(error)) continue;
    if (process_runs(*pid)) continue;  // another run is writing it
    if (std::filesystem::remove(entry.path(), error)) removed.push_back(entry.path());
  }
  return removed;
}

}  // namespace pipectl
