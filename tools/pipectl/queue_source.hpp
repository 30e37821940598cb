// pipectl worker's job source: a Redis Streams consumer group. New jobs come with XREADGROUP;
// the jobs of workers that died (idle longer than the claim time) are taken over with
// XAUTOCLAIM; the jobs in hand are kept from being claimed by XCLAIM JUSTID every few seconds;
// a job is acknowledged (XACK) only once its outputs are complete under their final names; a
// job that failed its last attempt moves to the dead-letter stream (STREAM:dead) with its error.
// When Redis cannot be reached, the source waits with backoff and loses nothing: an ack that
// could not be sent is sent later, and a job whose ack was lost is found complete next time.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "job.hpp"
#include "net/backoff.hpp"
#include "pipectl/registry.hpp"
#include "queued_job.hpp"
#include "redis_queue.hpp"

namespace pipectl::cli {

// The consumer group every worker reads in (KEDA's ScaledObject names it too).
inline constexpr const char* worker_group = "pipectl-workers";

struct QueueSourceSettings {
  std::string consumer;                        // this worker's name in the group (host-pid)
  std::chrono::milliseconds claim_idle{600000};  // a job idle this long belongs to a dead worker
  std::chrono::milliseconds keep_every{5000};    // how often the jobs in hand are kept
  bool until_empty = false;                    // stop once nothing is queued or held by anyone
};

class QueueSource : public JobSource {
 public:
  // Problems with jobs (a bad graph) and with the queue go to JobSource::report.
  QueueSource(RedisQueue& queue, const Registry& registry, std::string out, QueueSourceSettings settings,
              const std::atomic<bool>& draining);

  std::optional<Job> next() override;
  bool open() const override;
  bool stopping() const override { return draining_; }
  void keep(const std::vector<const Job*>& held) override;
  void done(const Job& job) override;
  void given_up(const Job& job, const std::string& error) override;
  bool retries_first() const override { return true; }

  // Jobs acknowledged, moved to the dead-letter stream, and taken over from dead workers.
  int acknowledged() const { return acknowledged_; }
  int dead_lettered() const { return dead_lettered_; }
  int claimed() const { return claimed_; }

 private:
  using Clock = std::chrono::steady_clock;
  std::optional<Job> job_of(const StreamEntry& entry);
  std::shared_ptr<const Graph> graph_of(const QueuedJob& queued, std::string& problem);
  // Runs `call` against Redis; false (after reporting the outage once) when it cannot be reached.
  bool reach(const std::function<void()>& call);
  void send_owed();  // the acks and dead letters that failed to go

  RedisQueue& queue_;
  const Registry& registry_;
  std::string out_;
  QueueSourceSettings settings_;
  const std::atomic<bool>& draining_;
  std::map<std::string, std::shared_ptr<const Graph>> graphs_;  // by the text's hash
  std::map<std::string, Fields> fields_;                         // the jobs in hand, by id
  struct Owed {
    std::string id;
    std::optional<Fields> dead_letter;  // nothing: an ack
  };
  std::vector<Owed> owed_;
  Clock::time_point next_claim_{};
  Clock::time_point next_keep_{};
  Clock::time_point reachable_at_{};  // after an outage, when to try again
  int failures_ = 0;                  // calls failed in a row
  net::Backoff backoff_{std::chrono::milliseconds(200), std::chrono::milliseconds(5000), 1 << 30};
  std::mt19937 random_{std::random_device{}()};
  bool empty_ = false;  // until_empty: nothing queued, nothing pending anywhere
  int acknowledged_ = 0, dead_lettered_ = 0, claimed_ = 0;
};

}  // namespace pipectl::cli
