// Tells a caller that a video is ready (or failed): a JSON POST to a callback URL, signed with
// an HMAC-SHA256 of the body under a shared secret (PIPECTL_NOTIFY_SECRET), in the header
// X-Pipectl-Signature: sha256=<hex>. Sent by libcurl on a thread of its own, so the next job
// never waits for a slow receiver; failures (connection errors, any non-2xx answer) are retried
// with backoff (net::Backoff). The secret is never printed.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace pipectl::cli {

// "sha256=" + lower-case hex of HMAC-SHA256(secret, body).
std::string notify_signature(const std::string& secret, const std::string& body);

struct NotifySettings {
  std::string secret;                       // empty: unsigned (no header)
  int max_attempts = 6;                     // per notification, the first included
  std::chrono::milliseconds backoff_base{500};
  std::chrono::milliseconds backoff_cap{30000};
  std::chrono::milliseconds timeout{10000}; // per POST
};

// How a notification ended: delivered after `attempts`, or given up with the last error.
struct NotifyOutcome {
  std::string url;
  boost::json::object payload;
  bool delivered = false;
  int attempts = 0;
  std::string error;  // the last failure ("HTTP 503", "connection refused"), empty when delivered
};

class Notifier {
 public:
  // `on_outcome` is called on the notifier's thread, once per notification.
  Notifier(NotifySettings settings, std::function<void(const NotifyOutcome&)> on_outcome);
  // Waits for the notifications in hand (drain), then stops the thread.
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Queues a POST of `payload` to `url`; returns at once.
  void send(const std::string& url, boost::json::object payload);
  // Waits until every queued notification has an outcome, or `limit` has passed; false then.
  bool drain(std::chrono::milliseconds limit);

  // Runs `action` (a fork) while the notifier's thread is parked, holding no lock of libcurl's,
  // OpenSSL's or the allocator's: a process forked then finds them all free. The thread parks
  // at its next step (a transfer goes in steps of at most 10 ms) and goes on afterwards.
  void run_paused(const std::function<void()>& action);

 private:
  void run();
  // Waits on changed_ until `done` (and no pause is requested), parked meanwhile; with `until`,
  // no longer than that (unless a pause is under way).
  void wait_parked(std::unique_lock<std::mutex>& lock, const std::function<bool()>& done,
                   std::optional<std::chrono::steady_clock::time_point> until = std::nullopt);

  NotifySettings settings_;
  std::function<void(const NotifyOutcome&)> on_outcome_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<std::string, boost::json::object>> waiting_;
  int in_hand_ = 0;  // queued or being sent
  bool stopping_ = false;
  bool pause_requested_ = false;  // run_paused wants the thread parked
  bool parked_ = false;           // the thread waits on changed_ (holding nothing else)
  std::thread thread_;
};

}  // namespace pipectl::cli
