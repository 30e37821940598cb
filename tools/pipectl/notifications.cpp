#include "notifications.hpp"

#include <cstdlib>

#include "events.hpp"

namespace pipectl::cli {

namespace json = boost::json;

json::object notification_payload(const Job& job, const HandleStatus& status) {
  json::object payload;
  payload["handle"] = job.handle;
  payload["date"] = job.date;
  payload["tz"] = job.tz;
  if (!job.id.empty()) payload["job"] = job.id;
  const bool done = status.state == HandleState::done || status.state == HandleState::skipped;
  payload["status"] = done ? "done" : "failed";
  if (!done) {
    payload["error"] = status.error;
    payload["attempts"] = status.attempt;
    return payload;
  }
  json::array outputs;
  for (const auto& output : status.outputs) {
    outputs.emplace_back(output);
    if (output.ends_with(".mp4") && !payload.contains("video")) payload["video"] = output;
    if (output.ends_with(".vtt") && !payload.contains("subtitles")) payload["subtitles"] = output;
  }
  payload["outputs"] = std::move(outputs);
  payload["duration"] = status.video_seconds;
  payload["posts"] = status.posts;
  payload["cards"] = status.cards;
  payload["warnings"] = status.warnings;
  payload["skipped"] = status.state == HandleState::skipped;
  return payload;
}

Notifications::Notifications(std::string default_url, std::function<void(json::object)> report)
    : default_url_(std::move(default_url)), report_(std::move(report)) {}

Notifications::~Notifications() = default;

void Notifications::job_ended(const Job& job, const HandleStatus& status) {
  const std::string& url = job.notify_url.empty() ? default_url_ : job.notify_url;
  if (url.empty()) return;
  if (!notifier_) {
    NotifySettings settings;
    if (const char* secret = std::getenv("PIPECTL_NOTIFY_SECRET")) settings.secret = secret;
    notifier_ = std::make_unique<Notifier>(settings, [this](const NotifyOutcome& outcome) {
      auto event = make_event(outcome.delivered ? "notified" : "notify_failed", text_of(outcome.payload, "handle"));
      // A callback URL may carry a token in its query: events name only where it went.
      event["url"] = outcome.url.substr(0, outcome.url.find('?'));
      event["attempts"] = outcome.attempts;
      event["status"] = text_of(outcome.payload, "status");
      if (!outcome.delivered) event["error"] = outcome.error;
      std::lock_guard lock(mutex_);
      outcomes_.push_back(std::move(event));
    });
  }
  notifier_->send(url, notification_payload(job, status));
}

void Notifications::drain(std::chrono::milliseconds limit) {
  if (notifier_) notifier_->drain(limit);
}

void Notifications::report_outcomes() {
  std::vector<json::object> outcomes;
  {
    std::lock_guard lock(mutex_);
    outcomes.swap(outcomes_);
  }
  for (auto& event : outcomes) report_(std::move(event));
}

void Notifications::run_paused(const std::function<void()>& action) {
  if (notifier_) notifier_->run_paused(action);
  else action();
}

}  // namespace pipectl::cli
