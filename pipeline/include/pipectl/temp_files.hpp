// Temporary files that become a final file by rename: "<final>.part-<pid>-<n><suffix>", named
// after the writing process so a later run can tell a file whose writer died (SIGKILL, a power
// cut) from one another process is still writing. Part of the SDK: a sink (built in or a
// plugin) that writes its files this way and declares them (StageInfo::writes) gets its
// leftovers removed by the supervisor before the handle runs again.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace pipectl {

// "<final>.part-<this pid>-<n><suffix>", n unique within the process (two writers of one final
// path never share a temporary file).
std::filesystem::path temp_path_for(const std::filesystem::path& final_path, std::string_view suffix = "");

// The writer's pid when `name` is "<final_name>.part-<pid>-<n><suffix>"; nothing otherwise.
std::optional<pid_t> temp_file_writer(std::string_view name, std::string_view final_name,
                                      std::string_view suffix = "");

// Whether process `pid` still runs: it exists and is not a zombie (a killed writer whose parent
// died too stays a zombie until init reaps it).
bool process_runs(pid_t pid);

// Removes the temporary files of `final_path` ("<final>.part-<pid>-<n>", any suffix) whose
// writer no longer runs; returns what it removed. Nothing when the folder does not exist.
std::vector<std::filesystem::path> remove_stale_temp_files(const std::filesystem::path& final_path);

}  // namespace pipectl
