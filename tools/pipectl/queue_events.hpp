// The events stream of a queue (STREAM:events): every worker adds each of its events there,
// with its name ("worker": host-pid), capped with MAXLEN ~; `pipectl status --queue` reads it
// into one view of the fleet. Publishing never stops a worker: while Redis cannot be reached,
// events wait in memory (the latest 10,000) and go out once it answers again.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <string>

#include "redis_queue.hpp"

namespace pipectl::cli {

// The events stream of the jobs stream `stream`.
std::string events_stream_of(const std::string& stream);
// The dead-letter stream of the jobs stream `stream`.
std::string dead_stream_of(const std::string& stream);

class QueueEvents {
 public:
  QueueEvents(RedisQueue& queue, std::string worker, std::size_t max_length = 100000);
  void publish(boost::json::object event);

 private:
  RedisQueue& queue_;
  std::string stream_;
  std::string worker_;
  std::size_t max_length_;
  std::deque<std::string> waiting_;  // serialized events not yet added
  std::chrono::steady_clock::time_point retry_at_{};
};

}  // namespace pipectl::cli
