#include "queue_source.hpp"

#include <thread>

#include "events.hpp"
#include "handle_run.hpp"
#include "handle_list.hpp"

namespace pipectl::cli {

namespace json = boost::json;

QueueSource::QueueSource(RedisQueue& queue, const Registry& registry, std::string out, QueueSourceSettings settings,
                         const std::atomic<bool>& draining)
    : queue_(queue), registry_(registry), out_(std::move(out)), settings_(std::move(settings)), draining_(draining) {}

bool QueueSource::reach(const std::function<void()>& call) {
  if (Clock::now() < reachable_at_) return false;
  try {
    call();
    if (failures_ > 0) {
      auto event = make_event("warning", "");
      event["kind"] = "queue";
      event["message"] = "the queue " + queue_.address().display() + " answers again";
      if (report) report(std::move(event));
    }
    failures_ = 0;
    return true;
  } catch (const QueueError& error) {
    if (failures_++ == 0) {
      auto event = make_event("warning", "");
      event["kind"] = "queue";
      event["message"] = std::string(error.what()) + "; trying again (no job is lost)";
      if (report) report(std::move(event));
    }
    const int step = std::min(failures_, 16);
    reachable_at_ = Clock::now() + backoff_.ceiling(step) / 2 + backoff_.delay(step, random_) / 2;
    return false;
  }
}

std::shared_ptr<const Graph> QueueSource::graph_of(const QueuedJob& queued, std::string& problem) {
  try {
    Graph graph = parse_graph_text(queued.graph_text, queued.graph_path);
    apply_overrides(graph, queued.sets);
    auto problems = check_graph(graph, registry_, run_defined_variables(queued.handle, queued.date, queued.tz, out_));
    if (!problems.empty()) {
      for (const auto& line : problems) problem += (problem.empty() ? "" : "; ") + line;
      return nullptr;
    }
    return std::make_shared<const Graph>(std::move(graph));
  } catch (const GraphError& error) {
    problem = error.what();
    return nullptr;
  }
}

std::optional<Job> QueueSource::job_of(const StreamEntry& entry) {
  std::string problem;
  auto queued = job_from_fields(entry.fields, problem);
  std::shared_ptr<const Graph> graph;
  if (queued && !valid_handle(queued->handle)) problem = "'" + queued->handle + "' is not a handle";
  if (queued && problem.empty()) graph = graph_of(*queued, problem);
  if (!graph) {
    // A job that can never run (a graph this worker's stages refuse, a garbled entry) goes to
    // the dead letters at once: retrying cannot help.
    std::string handle = queued ? queued->handle : "";
    auto event = make_event("failed", handle);
    event["node"] = "";
    event["error"] = "job " + entry.id + ": " + problem;
    event["job"] = entry.id;
    if (report) report(std::move(event));
    Fields letter(entry.fields.begin(), entry.fields.end());
    letter.emplace_back("error", problem);
    letter.emplace_back("job", entry.id);
    letter.emplace_back("worker", settings_.consumer);
    owed_.push_back(Owed{entry.id, std::move(letter)});
    send_owed();
    return std::nullopt;
  }
  fields_[entry.id] = Fields(entry.fields.begin(), entry.fields.end());
  return Job{queued->handle, queued->date, queued->tz, graph, queued->graph_path, entry.id, queued->notify_url,
             static_cast<int>(std::max<std::int64_t>(0, entry.deliveries - 1))};
}

std::optional<Job> QueueSource::next() {
  if (draining_) return std::nullopt;
  send_owed();
  const std::string& stream = queue_.address().stream;
  std::vector<StreamEntry> entries;
  auto now = Clock::now();
  // The jobs of dead workers first: they have waited longest.
  if (now >= next_claim_) {
    next_claim_ = now + std::chrono::seconds(1);
    if (!reach([&] { entries = queue_.autoclaim(stream, worker_group, settings_.consumer, settings_.claim_idle, 1); }))
      return std::nullopt;
    claimed_ += static_cast<int>(entries.size());
  }
  if (entries.empty() &&
      !reach([&] { entries = queue_.read_group(stream, worker_group, settings_.consumer, 1, std::chrono::milliseconds(0)); }))
    return std::nullopt;
  if (entries.empty()) {
    if (settings_.until_empty && fields_.empty()) {
      reach([&] {
        GroupInfo info = queue_.group_info(stream, worker_group);
        empty_ = info.pending == 0 && info.lag.value_or(0) == 0;
      });
    }
    return std::nullopt;
  }
  return job_of(entries.front());
}

bool QueueSource::open() const { return !draining_ && !empty_; }

void QueueSource::keep(const std::vector<const Job*>& held) {
  send_owed();
  auto now = Clock::now();
  if (now < next_keep_) return;
  next_keep_ = now + settings_.keep_every;
  std::vector<std::string> ids;
  for (const Job* job : held)
    if (!job->id.empty()) ids.push_back(job->id);
  if (ids.empty()) return;
  reach([&] { queue_.touch(queue_.address().stream, worker_group, settings_.consumer, ids); });
}

void QueueSource::done(const Job& job) {
  if (job.id.empty()) return;
  fields_.erase(job.id);
  owed_.push_back(Owed{job.id, std::nullopt});
  send_owed();
}

void QueueSource::given_up(const Job& job, const std::string& error) {
  if (job.id.empty()) return;
  Fields letter = fields_.count(job.id) ? fields_[job.id] : Fields{};
  fields_.erase(job.id);
  letter.emplace_back("error", error);
  letter.emplace_back("job", job.id);
  letter.emplace_back("worker", settings_.consumer);
  owed_.push_back(Owed{job.id, std::move(letter)});
  send_owed();
}

void QueueSource::send_owed() {
  const std::string& stream = queue_.address().stream;
  while (!owed_.empty()) {
    Owed& owed = owed_.front();
    bool sent = reach([&] {
      if (owed.dead_letter) queue_.move(stream, worker_group, owed.id, stream + ":dead", *owed.dead_letter);
      else queue_.ack(stream, worker_group, owed.id);
    });
    if (!sent) return;
    (owed.dead_letter ? dead_lettered_ : acknowledged_) += 1;
    owed_.erase(owed_.begin());
  }
}

}  // namespace pipectl::cli
