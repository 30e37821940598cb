#include "handle_run.hpp"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <stop_token>
#include <thread>
#include <map>
#include <mutex>

#include "events.hpp"
#include "job_outputs.hpp"
#include "encode/encode.hpp"
#include "pipectl/executor.hpp"
#include "pipectl/node_values.hpp"

namespace pipectl::cli {

namespace json = boost::json;

namespace {

}  // namespace

std::map<std::string, std::string> run_defined_variables(const std::string& handle, const std::string& date,
                                                         const std::string& tz, const std::string& out) {
  return {{"handle", handle}, {"date", date}, {"tz", tz}, {"out", out}};
}

namespace {

RunOptions options_for(const RunPlan& plan, const Job& job) {
  RunOptions options;
  options.context.variables = run_defined_variables(job.handle, job.date, job.tz, plan.out);
  options.context.out_dir = plan.out;
  return options;
}

// Turns the executor's progress calls (one per item) into progress events: a node's first
// and last report at once, others at most every quarter second per node. A thread sends what
// was held back, so a node that goes quiet (a source waiting for the items ahead of it to
// drain) still shows its latest counts.
class ProgressReporter {
 public:
  ProgressReporter(const std::string& handle, const EmitEvent& emit)
      : handle_(handle), emit_(emit), flusher_([this](std::stop_token stop) { flush_until(stop); }) {}

  ~ProgressReporter() { stop(); }

  // No more events from here: the outcome comes next.
  void stop() {
    flusher_.request_stop();
    wake_.notify_all();
    if (flusher_.joinable()) flusher_.join();
  }

  void report(const NodeProgress& progress) {
    auto now = std::chrono::steady_clock::now();
    // Sent under the lock too, so a node's reports arrive in order (its "done" last).
    std::lock_guard lock(mutex_);
    Entry& entry = entries_[progress.position];
    entry.latest = progress;
    if (!progress.done && entry.sent && now - entry.sent_at < interval) {
      entry.held = true;
      return;
    }
    send(entry, now);
  }

  // The final counts of every node.
  std::vector<NodeProgress> latest() {
    std::lock_guard lock(mutex_);
    std::vector<NodeProgress> nodes;
    for (const auto& [position, entry] : entries_) nodes.push_back(entry.latest);
    return nodes;
  }

 private:
  static constexpr auto interval = std::chrono::milliseconds(250);

  struct Entry {
    NodeProgress latest;
    bool sent = false;
    bool held = false;  // latest was not sent
    std::chrono::steady_clock::time_point sent_at{};
  };

  // Caller holds mutex_.
  void send(Entry& entry, std::chrono::steady_clock::time_point now) {
    entry.sent = true;
    entry.held = false;
    entry.sent_at = now;
    const NodeProgress& progress = entry.latest;
    auto event = make_event("progress", handle_);
    event["node"] = progress.node;
    event["stage"] = progress.stage;
    event["position"] = progress.position;
    event["received"] = progress.received;
    event["emitted"] = progress.emitted;
    event["done"] = progress.done;
    if (progress.expected) event["expected"] = *progress.expected;
    emit_(std::move(event));
  }

  void flush_until(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
      wake_.wait_for(lock, interval);
      auto now = std::chrono::steady_clock::now();
      for (auto& [position, entry] : entries_)
        if (entry.held && now - entry.sent_at >= interval) send(entry, now);
    }
  }

  const std::string& handle_;
  const EmitEvent& emit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<size_t, Entry> entries_;
  std::jthread flusher_;  // last: starts once the members it uses exist
};

}  // namespace

std::vector<std::string> handle_outputs(const RunPlan& plan, const Job& job) {
  std::vector<std::string> paths;
  RunOptions options = options_for(plan, job);
  const Graph& graph = *job.graph;
  auto variables = run_variables(graph, options);
  RunContext context = check_context(graph, variables);
  context.out_dir = plan.out;
  for (const auto& node : graph.nodes) {
    const StageInfo* info = plan.registry->find(node.stage);
    if (!info || !info->writes) continue;
    try {
      for (auto& path : info->writes(resolve_params(graph, node, *info, variables), context))
        paths.push_back(std::move(path));
    } catch (const std::exception&) {
      // A bad value fails the run itself, with its message.
    }
  }
  return paths;
}

bool run_handle(const RunPlan& plan, const Job& job, int attempt, int threads, const std::atomic<bool>* cancel,
                const EmitEvent& emit) {
  const std::string& handle = job.handle;
  auto started = make_event("started", handle);
  started["pid"] = static_cast<std::int64_t>(getpid());
  started["attempt"] = attempt;
  // pipectl status merges the events of many machines: each attempt says what it runs, and where.
  started["graph"] = job.graph_path;
  started["date"] = job.date;
  started["tz"] = job.tz;
  if (!job.id.empty()) started["job"] = job.id;
  if (!plan.shard_name.empty()) started["shard"] = plan.shard_name;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) started["host"] = host;
  emit(std::move(started));

  ProgressReporter progress(handle, emit);
  RunOptions options = options_for(plan, job);
  options.cancel = cancel;
  options.threads = threads;
  json::object warning_counts;  // by kind, for the finished and failed events
  options.on_warning = [&](const std::string& kind, const std::string& message) {
    auto event = make_event("warning", handle);
    event["kind"] = kind;
    event["message"] = message;
    emit(std::move(event));
    // The executor calls this under its lock: one at a time.
    if (auto* count = warning_counts.if_contains(kind)) *count = count->as_int64() + 1;
    else warning_counts[kind] = 1;
  };
  options.on_progress = [&](const NodeProgress& node) { progress.report(node); };
  options.on_wait = [&](const std::string& node, const std::string& reason, double seconds) {
    auto event = make_event("waiting", handle);
    event["node"] = node;
    event["reason"] = reason;
    event["seconds"] = seconds;
    emit(std::move(event));
  };
  auto start = std::chrono::steady_clock::now();
  RunResult result = run_graph(*job.graph, *plan.registry, options);
  progress.stop();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result.ok) {
    auto event = make_event("failed", handle);
    event["node"] = result.failed_node;
    event["error"] = result.error;
    if (result.cancelled) event["cancelled"] = true;
    event["warnings"] = warning_counts;
    emit(std::move(event));
    return false;
  }
  // posts: items the sources sent; cards: items the sinks took in.
  std::uint64_t posts = 0, cards = 0;
  for (const auto& node : progress.latest()) {
    const StageInfo* info = plan.registry->find(node.stage);
    if (!info) continue;
    if (info->inputs.empty()) posts += node.emitted;
    if (info->outputs.empty()) cards += node.received;
  }
  // The outputs are complete under their final names; with --out s3://, they go up now, and the
  // job is finished once every object is in.
  CompleteOutputs complete;
  try {
    complete = publish_outputs(plan, handle_outputs(plan, job));
  } catch (const std::exception& error) {
    auto event = make_event("failed", handle);
    event["node"] = "upload";
    event["error"] = error.what();
    event["warnings"] = warning_counts;
    emit(std::move(event));
    return false;
  }
  auto event = make_event("finished", handle);
  json::array outputs;
  for (const auto& name : complete.names) outputs.emplace_back(name);
  double video_seconds = complete.video_seconds;
  if (!job.id.empty()) event["job"] = job.id;
  event["outputs"] = std::move(outputs);
  event["seconds"] = seconds;
  event["posts"] = posts;
  event["cards"] = cards;
  event["video_seconds"] = video_seconds;
  event["warnings"] = std::move(warning_counts);
  emit(std::move(event));
  return true;
}

}  // namespace pipectl::cli
