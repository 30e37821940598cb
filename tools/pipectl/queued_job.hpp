// A job as it travels on the queue: the fields of one Redis Streams entry. `pipectl enqueue`
// writes them; `pipectl worker` reads them back. The graph travels whole (its text and a hash
// of it), so workers need no shared copy of the graph file.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "digest.hpp"
#include "redis_queue.hpp"

namespace pipectl::cli {

struct QueuedJob {
  std::string handle;
  std::string date;
  std::string tz;
  std::string graph_text;
  std::string graph_hash;  // lower-case hex SHA-256 of graph_text
  std::string graph_path;  // the graph's path where it was enqueued: its relative paths are read from there
  std::vector<std::string> sets;  // --set NODE.PARAM=VALUE, in order
  std::string notify_url;  // "" for none
  std::string enqueued;    // UTC time of the enqueue
};

// The entry's fields for `job`.
Fields job_fields(const QueuedJob& job);

// The job an entry holds; nothing, with `problem` saying what is wrong, when a field is missing
// or malformed (the graph's text not matching its hash, say).
std::optional<QueuedJob> job_from_fields(const std::map<std::string, std::string>& fields, std::string& problem);

}  // namespace pipectl::cli
