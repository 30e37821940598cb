// The one place a run may write: the output folder the user chose (RunContext::out_dir).
// Stages that write files refuse, in a declaration rule, a path that leaves it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "pipectl/stage.hpp"

namespace pipectl {

// Whether `path` lies inside `folder`, both made absolute with `..` and symbolic links resolved
// (as far as they exist); the folder itself is not inside.
bool lies_inside(const std::filesystem::path& folder, const std::filesystem::path& path);

// Why `path` may not be written in this run, or nothing: it must lie inside the output folder
// (when the run has one).
std::optional<std::string> outside_output_folder(const std::filesystem::path& path, const RunContext& context);

}  // namespace pipectl
