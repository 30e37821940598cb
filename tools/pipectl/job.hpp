// What the supervisor runs: jobs (a handle, a day, a zone, a checked graph) from a job source.
// `pipectl run` takes them from its handle list (HandleListSource); `pipectl worker` from a
// Redis Streams consumer group (queue_source.hpp). The supervisor tells the source how each
// job ended, so a queue acknowledges a job only once its video is complete.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipectl/graph.hpp"

namespace pipectl::cli {

struct Job {
  std::string handle;
  std::string date;
  std::string tz;
  std::shared_ptr<const Graph> graph;  // checked for this job's variables
  std::string graph_path;              // as the user named it, for events and messages
  std::string id;                      // the queue's entry id; "" for run's handles
  std::string notify_url;              // this job's callback; "" for the command's --notify
  int earlier_attempts = 0;            // attempts before this delivery (a queue's redeliveries)
};

class JobSource {
 public:
  virtual ~JobSource() = default;
  // The next job to start, or nothing when none is ready now.
  virtual std::optional<Job> next() = 0;
  // Whether more jobs may still come (false: the list is used up, or a worker is stopping).
  virtual bool open() const = 0;
  // Called every tick (about 100 ms) with the jobs in hand: running, or waiting to be retried.
  virtual void keep(const std::vector<const Job*>& /*held*/) {}
  // The job's outputs are complete under their final names (made now, or found complete).
  virtual void done(const Job& /*job*/) {}
  // The job failed its last attempt with `error`.
  virtual void given_up(const Job& /*job*/, const std::string& /*error*/) {}
  // Whether the source has been told to stop (a worker's SIGTERM): no job starts any more, not
  // even a retry; the jobs running finish.
  virtual bool stopping() const { return false; }
  // Whether a failed job is tried again before new jobs (a worker finishes what it holds) or
  // after them (a run's list).
  virtual bool retries_first() const { return false; }

  // Where the source tells the run of what is not any one attempt's (an unreadable job, the
  // queue out of reach): set by the supervisor before its first call. An event with a handle
  // goes to that handle's row; one with "handle": "" to the log and the terminal only.
  std::function<void(boost::json::object)> report;
};

// The handles of `pipectl run`, in order, all with one graph, day and zone.
class HandleListSource : public JobSource {
 public:
  HandleListSource(std::shared_ptr<const Graph> graph, std::string graph_path, std::string date, std::string tz,
                   std::vector<std::string> handles)
      : graph_(std::move(graph)), graph_path_(std::move(graph_path)), date_(std::move(date)), tz_(std::move(tz)),
        handles_(std::move(handles)) {}

  std::optional<Job> next() override {
    if (next_ >= handles_.size()) return std::nullopt;
    return Job{handles_[next_++], date_, tz_, graph_, graph_path_, {}, {}, 0};
  }
  bool open() const override { return next_ < handles_.size(); }

 private:
  std::shared_ptr<const Graph> graph_;
  std::string graph_path_, date_, tz_;
  std::vector<std::string> handles_;
  std::size_t next_ = 0;
};

}  // namespace pipectl::cli
