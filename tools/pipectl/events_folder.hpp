// Reads the event files of a job array as they grow: every *.jsonl in a folder (one per shard,
// written by `pipectl run --shard`), each read from where the last call stopped, whole lines
// only. A file that was started again (a requeued task truncates its file) is read again
// from its beginning.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace pipectl::cli {

class EventsFolder {
 public:
  explicit EventsFolder(std::filesystem::path folder) : folder_(std::move(folder)) {}

  // The events written since the last call, file by file (files in name order), each file's
  // in the order written. Lines that are not JSON objects with "event" and "handle" are
  // counted in unreadable(), not returned.
  std::vector<boost::json::object> read_new();

  std::size_t files() const { return files_.size(); }
  std::size_t unreadable() const { return unreadable_; }

 private:
  struct FileState {
    std::uintmax_t offset = 0;  // bytes consumed (whole lines)
    std::string head;           // the first bytes, to notice the file was written anew
  };
  void read_file(const std::filesystem::path& path, FileState& state, std::vector<boost::json::object>& events);

  std::filesystem::path folder_;
  std::map<std::string, FileState> files_;
  std::size_t unreadable_ = 0;
};

}  // namespace pipectl::cli
