// The caller's notification when a job ends (run --notify, worker --notify, enqueue --notify):
// what is posted, and to where. The payload is built from the job and its row on the board;
// the POST itself is the Notifier's (notifier.hpp: signed, retried, on its own thread). How
// each notification ended is reported as an event ("notified" or "notify_failed"), so it lands
// in the events file and on the queue's events stream like any other: the notifier's thread
// only queues it, and the supervisor reports it from its own thread (report_outcomes), so that
// the events file and Redis are written by one thread, never while it forks.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "job.hpp"
#include "notifier.hpp"
#include "run_board.hpp"

namespace pipectl::cli {

// The JSON posted for a job that ended: handle, date, tz, status ("done" or "failed"), video,
// subtitles, outputs, duration, posts, cards, warnings; or error.
boost::json::object notification_payload(const Job& job, const HandleStatus& status);

class Notifications {
 public:
  // `default_url`: the command's --notify ("" for none); a job's own URL wins. `report` gets
  // the outcome events, in report_outcomes(). The secret is PIPECTL_NOTIFY_SECRET.
  Notifications(std::string default_url, std::function<void(boost::json::object)> report);
  ~Notifications();

  // The job is over (done, skipped as complete, or failed for good): post it, if anyone asked.
  void job_ended(const Job& job, const HandleStatus& status);
  // Waits up to `limit` for the notifications still being sent (at the end of a run).
  void drain(std::chrono::milliseconds limit);
  // Reports the outcomes that came since the last call, on the caller's thread.
  void report_outcomes();
  // Runs `action` (a fork) with the notifier's thread parked (Notifier::run_paused).
  void run_paused(const std::function<void()>& action);

 private:
  std::string default_url_;
  std::function<void(boost::json::object)> report_;
  std::mutex mutex_;
  std::vector<boost::json::object> outcomes_;  // queued by the notifier's thread
  std::unique_ptr<Notifier> notifier_;  // made at the first notification; last, so it stops first
};

}  // namespace pipectl::cli
