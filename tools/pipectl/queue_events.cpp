#include "queue_events.hpp"

namespace pipectl::cli {

namespace json = boost::json;

std::string events_stream_of(const std::string& stream) { return stream + ":events"; }
std::string dead_stream_of(const std::string& stream) { return stream + ":dead"; }

QueueEvents::QueueEvents(RedisQueue& queue, std::string worker, std::size_t max_length)
    : queue_(queue), stream_(events_stream_of(queue.address().stream)), worker_(std::move(worker)),
      max_length_(max_length) {}

void QueueEvents::publish(json::object event) {
  constexpr std::size_t kept = 10000;
  event["worker"] = worker_;
  waiting_.push_back(json::serialize(event));
  if (waiting_.size() > kept) waiting_.pop_front();
  if (std::chrono::steady_clock::now() < retry_at_) return;
  try {
    while (!waiting_.empty()) {
      queue_.add(stream_, {{"event", waiting_.front()}}, max_length_);
      waiting_.pop_front();
    }
  } catch (const QueueError&) {
    retry_at_ = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  }
}

}  // namespace pipectl::cli
