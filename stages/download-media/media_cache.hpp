// A content-addressed cache of downloaded media on disk, shared by runs and by the handles of a
// run (each its own process): the file for a URL is <folder>/<2 hex digits>/<SHA-256 of the URL
// in hex>. An entry appears whole or not at all: it is written to a temporary file in the same
// folder, flushed to disk, then renamed; readers never look at temporary files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipectl::media {

class MediaCache {
 public:
  explicit MediaCache(std::filesystem::path folder);

  const std::filesystem::path& folder() const { return folder_; }

  // The SHA-256 of `url`, 64 lower-case hex digits.
  static std::string key(std::string_view url);
  std::filesystem::path path_for(std::string_view url) const;

  // The entry for `url` when there is one (a regular, non-empty file).
  std::optional<std::filesystem::path> find(std::string_view url) const;

  // Writes `bytes` as the entry for `url` (replacing any) and returns its path. Safe against
  // other threads and processes storing the same URL: the last rename wins, whole. Throws
  // std::runtime_error when the disk refuses.
  std::filesystem::path store(std::string_view url, std::string_view bytes);

  // Removes temporary files (<key>.part-<pid>-<n>) whose writer process no longer runs, left by
  // a crash or a kill; those of live writers are left alone. Returns what was removed.
  std::vector<std::filesystem::path> remove_stale_temp_files() const;

 private:
  std::filesystem::path folder_;
};

}  // namespace pipectl::media
