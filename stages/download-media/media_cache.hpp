// A content-addressed cache of downloaded media on disk, shared by runs and by the handles of a
// run (each its own process): the file for a URL is <folder>/<2 hex digits>/<SHA-256 of the URL
// in hex>. An entry appears whole or not at all: it is written to a temporary file in the same
// folder, flushed to disk, then renamed; readers never look at temporary files.
//
// Bounded by size, least recently used out first: an entry's modification time is its last use
// (set on every hit; atime is not trusted, since most disks are mounted noatime or relatime),
// and after a store that may have crossed the bound the oldest entries are removed until the
// entries fit. Several processes share the folder without locks: an entry another process
// removes between a lookup and its read is a miss, and a removal that finds the file gone is
// not an error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipectl::media {

class MediaCache {
 public:
  // At most `max_bytes` of entries (0: no bound), give or take what other processes sharing
  // the folder stored since this one last looked (see trim).
  explicit MediaCache(std::filesystem::path folder, std::uint64_t max_bytes = 0);

  const std::filesystem::path& folder() const { return folder_; }

  // The SHA-256 of `url`, 64 lower-case hex digits.
  static std::string key(std::string_view url);
  std::filesystem::path path_for(std::string_view url) const;

  // The entry for `url` when there is one (a regular, non-empty file).
  std::optional<std::filesystem::path> find(std::string_view url) const;

  // The bytes of the entry for `url`, marked as just used; nullopt when there is none, or it
  // vanished (evicted by another process) before it could be read.
  std::optional<std::string> read(std::string_view url);

  // Writes `bytes` as the entry for `url` (replacing any) and returns its path. Safe against
  // other threads and processes storing the same URL: the last rename wins, whole. Throws
  // std::runtime_error naming the file and saying why when the disk refuses ("no space left on
  // device", "file size limit exceeded"); no temporary file is left then. With a bound, least
  // recently used entries may be removed afterwards (never this one).
  std::filesystem::path store(std::string_view url, std::string_view bytes);

  // Removes the least recently used entries until the entries hold at most max_bytes (never
  // `keep`), and returns what was removed. store() calls it when its own writes since the last
  // look may have crossed the bound: when the entries seen then plus what this process stored
  // since pass max_bytes, or this process stored a sixteenth of max_bytes since (other processes
  // store too; with N of them the folder passes the bound by at most about N/16 of it).
  std::vector<std::filesystem::path> trim(const std::filesystem::path& keep = {});

  // The bytes held by entries (temporary files not counted), found by reading the folder.
  std::uint64_t bytes_on_disk() const;

  std::uint64_t max_bytes() const { return max_bytes_; }

  // Removes temporary files (<key>.part-<pid>-<n>) whose writer process no longer runs, left by
  // a crash or a kill; those of live writers are left alone. Returns what was removed.
  std::vector<std::filesystem::path> remove_stale_temp_files() const;

 private:
  std::filesystem::path folder_;
  std::uint64_t max_bytes_;
  std::mutex mutex_;                 // guards the two counts below, and serialises trims
  std::uint64_t seen_bytes_ = 0;     // entries' bytes at the last trim
  std::uint64_t stored_since_ = 0;   // bytes this process stored since
  bool looked_ = false;              // a trim has read the folder (before: the first store trims)
};

}  // namespace pipectl::media
