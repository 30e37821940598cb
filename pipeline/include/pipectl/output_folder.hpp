// The paths of a run, as declaration rules check them: the one place a run may write is the
// output folder the user chose (RunContext::out_dir); a file it reads must be there.
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

// Why `path`, a file the stage reads (a CA bundle, say), cannot be read, or nothing: it is
// empty (not given) or a regular file.
std::optional<std::string> missing_file(const std::filesystem::path& path);

}  // namespace pipectl
