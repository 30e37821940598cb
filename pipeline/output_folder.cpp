#include "pipectl/output_folder.hpp"

#include <algorithm>

namespace pipectl {

namespace {

// Absolute, resolved, and without a trailing separator ("out/" would end in an empty part).
std::filesystem::path normal(const std::filesystem::path& path) {
  auto resolved = std::filesystem::weakly_canonical(std::filesystem::absolute(path));
  return resolved.has_filename() ? resolved : resolved.parent_path();
}

}  // namespace

bool lies_inside(const std::filesystem::path& folder, const std::filesystem::path& path) {
  const auto outer = normal(folder);
  const auto inner = normal(path);
  auto [outer_end, rest] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return outer_end == outer.end() && rest != inner.end();
}

std::optional<std::string> outside_output_folder(const std::filesystem::path& path, const RunContext& context) {
  if (path.empty()) return "is empty; write under {out}";
  if (context.out_dir.empty() || lies_inside(context.out_dir, path)) return std::nullopt;
  return path.string() + " is outside the output folder " + context.out_dir + "; write under {out}";
}

std::optional<std::string> missing_file(const std::filesystem::path& path) {
  std::error_code error;
  if (path.empty() || std::filesystem::is_regular_file(path, error)) return std::nullopt;
  return "no file " + path.string();
}

}  // namespace pipectl
