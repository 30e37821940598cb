// pipectl run's supervisor: forks one child per handle (at most plan.jobs at a time), reads
// the children's events (JSON lines) with poll, reaps them with waitpid, and turns the events
// into the plain progress lines, the --events log and the summary.
#include "supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "pipectl/executor.hpp"

namespace pipectl::cli {

namespace json = boost::json;

namespace {

// Set by SIGINT/SIGTERM. In a child, the executor stops at the next item and the stages remove
// their temporary files; in the parent, the supervisor forwards SIGINT to the children, waits
// for them and exits 130. A child inherits the handler and its own copy of the flag.
std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) { interrupted = true; }

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int cores() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

// UTC, ISO 8601 with milliseconds: 2026-11-25T10:00:00.123Z.
std::string now_text() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return text;
}

json::object make_event(const char* name, const std::string& handle) {
  json::object event;
  event["event"] = name;
  event["time"] = now_text();
  event["handle"] = handle;
  return event;
}

std::string text_of(const json::object& event, const char* key) {
  auto found = event.find(key);
  if (found == event.end() || !found->value().is_string()) return {};
  return std::string(found->value().get_string());
}

// Where the graph's encode nodes write for this run, for the summary.
std::vector<std::string> output_paths(const Graph& graph, const Registry& registry, const RunOptions& options) {
  std::vector<std::string> paths;
  auto variables = run_variables(graph, options);
  for (const auto& node : graph.nodes) {
    const StageInfo* info = registry.find(node.stage);
    if (node.stage != "encode" || !info) continue;
    try {
      paths.push_back(resolve_params(graph, node, *info, variables).text("path"));
    } catch (const std::exception&) {
    }
  }
  return paths;
}

using Emit = std::function<void(json::object)>;

// The graph for one handle, reported as events: started, warning..., finished or failed.
// Returns true when the handle has its video.
bool run_handle(const RunPlan& plan, const std::string& handle, int threads, bool in_child, const Emit& emit) {
  auto started = make_event("started", handle);
  started["pid"] = static_cast<std::int64_t>(getpid());
  emit(std::move(started));
  if (in_child) {
    // Test hook: lets the tests crash a child for real, the way bad input in a library would.
    const char* crash = std::getenv("PIPECTL_TEST_CRASH_HANDLE");
    if (crash && handle == crash) {
      struct rlimit no_core {};
      setrlimit(RLIMIT_CORE, &no_core);
      std::abort();
    }
  }
  RunOptions options;
  options.context.handle = handle;
  options.context.date = plan.date;
  options.context.tz = plan.tz;
  options.context.out_dir = plan.out;
  options.cancel = &interrupted;
  options.threads = threads;
  options.on_warning = [&](const std::string& message) {
    auto event = make_event("warning", handle);
    event["message"] = message;
    emit(std::move(event));
  };
  auto start = std::chrono::steady_clock::now();
  RunResult result = run_graph(*plan.graph, *plan.registry, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (result.ok) {
    auto event = make_event("finished", handle);
    json::array outputs;
    for (const auto& path : output_paths(*plan.graph, *plan.registry, options)) outputs.emplace_back(path);
    event["outputs"] = std::move(outputs);
    event["seconds"] = seconds;
    emit(std::move(event));
  } else {
    auto event = make_event("failed", handle);
    event["node"] = result.failed_node;
    event["error"] = result.error;
    if (result.cancelled) event["cancelled"] = true;
    emit(std::move(event));
  }
  return result.ok;
}

// Writes all of `text` to `fd`, through EINTR.
void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// What the parent knows of the handles: prints the progress lines, logs every event, and
// keeps each handle's outcome for the summary. Events are told apart by the handle's index in
// the plan (the child they came from), not by the name inside them.
class Tracker {
 public:
  Tracker(const RunPlan& plan, std::ofstream* log) : plan_(plan), log_(log), outcomes_(plan.handles.size()) {}

  void on_event(size_t index, json::object event) {
    std::lock_guard lock(mutex_);
    if (log_) *log_ << json::serialize(event) << std::endl;
    const std::string& handle = plan_.handles[index];
    std::string name = text_of(event, "event");
    Outcome& outcome = outcomes_[index];
    if (name == "started") {
      ++started_;
      std::cout << "[" << started_ << "/" << plan_.handles.size() << "] " << handle << ": running " << plan_.graph_path
                << " for " << plan_.date << " (" << plan_.tz << ")" << std::endl;
    } else if (name == "warning") {
      ++outcome.warnings;
      std::cerr << "  warning: " << handle << ": " << text_of(event, "message") << '\n';
    } else if (name == "finished") {
      outcome.done = true;
      outcome.ok = true;
      if (auto* outputs = event.if_contains("outputs"); outputs && outputs->is_array())
        for (const auto& path : outputs->get_array())
          if (path.is_string()) outcome.detail += std::string(path.get_string()) + " ";
      double seconds = 0;
      if (auto* value = event.if_contains("seconds"); value && value->is_number()) seconds = value->to_number<double>();
      std::cout << "  " << handle << ": done in " << static_cast<int>(seconds * 10) / 10.0 << " s -> "
                << outcome.detail << std::endl;
    } else if (name == "failed") {
      outcome.done = true;
      std::string node = text_of(event, "node"), error = text_of(event, "error");
      outcome.detail = node.empty() ? error : "stage '" + node + "': " + error;
      std::cerr << "  error: " << handle << ": " << outcome.detail << std::endl;
    }
  }

  bool has_outcome(size_t index) {
    std::lock_guard lock(mutex_);
    return outcomes_[index].done;
  }

  // The closing lines; returns the exit code.
  int finish() {
    if (interrupted) {
      std::cerr << "pipectl run: interrupted; " << started_ << " of " << plan_.handles.size()
                << " handles were started, unfinished videos were removed\n";
      return exit_interrupted;
    }
    size_t failed = 0, reported = 0;
    std::cout << "\nSummary (" << plan_.date << ", " << plan_.tz << "):\n";
    for (size_t i = 0; i < outcomes_.size(); ++i) {
      const Outcome& outcome = outcomes_[i];
      if (!outcome.done) continue;
      ++reported;
      failed += outcome.ok ? 0 : 1;
      std::cout << "  " << (outcome.ok ? "ok     " : "FAILED ") << plan_.handles[i] << "  " << outcome.detail;
      if (outcome.warnings) std::cout << " (" << outcome.warnings << " warnings above)";
      std::cout << '\n';
    }
    std::cout << reported - failed << " of " << reported << " handles made their video\n";
    return failed ? exit_handles_failed : exit_ok;
  }

 private:
  struct Outcome {
    bool done = false;
    bool ok = false;
    std::string detail;
    size_t warnings = 0;
  };
  const RunPlan& plan_;
  std::ofstream* log_;
  std::vector<Outcome> outcomes_;
  size_t started_ = 0;
  std::mutex mutex_;
};

// One running child: its pipe and what has been read of a line so far.
struct Child {
  pid_t pid;
  int fd;
  size_t index;
  std::string pending;
};

[[noreturn]] void child_main(const RunPlan& plan, size_t index, int threads, int fd) {
  std::mutex write_mutex;
  bool ok = run_handle(plan, plan.handles[index], threads, true, [&](json::object event) {
    std::string line = json::serialize(event) + "\n";
    std::lock_guard lock(write_mutex);
    write_all(fd, line);
  });
  ::close(fd);
  _exit(interrupted ? exit_interrupted : ok ? exit_ok : exit_handles_failed);
}

// The parent's failed event for a child that ended without reporting its outcome.
json::object ended_without_outcome(const std::string& handle, int status) {
  auto event = make_event("failed", handle);
  event["node"] = "";
  if (WIFSIGNALED(status)) {
    int number = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(number);
    std::string name = abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(number);
    event["error"] = "the process was killed by " + name + " (" + strsignal(number) + ")";
    event["signal"] = name;
  } else {
    event["error"] = "the process exited with status " + std::to_string(WEXITSTATUS(status)) +
                     " without reporting an outcome";
  }
  return event;
}

void read_child(Child& child, const std::string& handle, Tracker& tracker, bool& ended) {
  char buffer[4096];
  ssize_t n = ::read(child.fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    ended = true;
    return;
  }
  child.pending.append(buffer, static_cast<size_t>(n));
  size_t newline;
  while ((newline = child.pending.find('\n')) != std::string::npos) {
    std::string line = child.pending.substr(0, newline);
    child.pending.erase(0, newline + 1);
    boost::system::error_code error;
    json::value value = json::parse(line, error);
    if (error || !value.is_object()) {
      std::cerr << "pipectl run: unreadable event from the process of " << handle << ": " << line << '\n';
      continue;
    }
    tracker.on_event(child.index, std::move(value.get_object()));
  }
}

}  // namespace

int default_jobs() { return std::max(1, cores() - 1); }

int supervise(const RunPlan& plan) {
  std::optional<std::ofstream> log;
  if (!plan.events_path.empty()) {
    log.emplace(plan.events_path, std::ios::trunc);
    if (!*log) {
      std::cerr << "pipectl run: cannot write the events file " << plan.events_path << '\n';
      return exit_usage;
    }
  }
  Tracker tracker(plan, log ? &*log : nullptr);
  catch_interrupts();

  if (!plan.fork) {
    for (size_t index = 0; index < plan.handles.size() && !interrupted; ++index)
      run_handle(plan, plan.handles[index], 0, false,
                 [&](json::object event) { tracker.on_event(index, std::move(event)); });
    return tracker.finish();
  }

  // Children running together share the cores: each gets cores / (children at a time) threads.
  size_t at_once = std::min(static_cast<size_t>(std::max(1, plan.jobs)), plan.handles.size());
  int threads = std::max(1, cores() / static_cast<int>(std::max<size_t>(1, at_once)));
  std::vector<Child> running;
  size_t next = 0;
  bool forwarded = false;
  while (true) {
    if (interrupted && !forwarded) {
      for (const auto& child : running) kill(child.pid, SIGINT);
      forwarded = true;
    }
    while (!interrupted && running.size() < at_once && next < plan.handles.size()) {
      size_t index = next++;
      std::cout.flush();
      std::cerr.flush();
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0) {
        auto event = make_event("failed", plan.handles[index]);
        event["node"] = "";
        event["error"] = std::string("cannot make a pipe: ") + strerror(errno);
        tracker.on_event(index, std::move(event));
        continue;
      }
      pid_t pid = fork();
      if (pid == 0) {
        ::close(fds[0]);
        for (const auto& child : running) ::close(child.fd);
        child_main(plan, index, threads, fds[1]);
      }
      ::close(fds[1]);
      if (pid < 0) {
        ::close(fds[0]);
        auto event = make_event("failed", plan.handles[index]);
        event["node"] = "";
        event["error"] = std::string("cannot start a process: ") + strerror(errno);
        tracker.on_event(index, std::move(event));
        continue;
      }
      running.push_back(Child{pid, fds[0], index, {}});
    }
    if (running.empty()) break;

    std::vector<pollfd> polled;
    for (const auto& child : running) polled.push_back(pollfd{child.fd, POLLIN, 0});
    // A time-out, so that a signal arriving just before poll is noticed soon.
    int ready = poll(polled.data(), polled.size(), 200);
    if (ready <= 0) continue;  // time-out or EINTR: look at the flag again
    for (size_t i = running.size(); i-- > 0;) {
      if (!polled[i].revents) continue;
      bool ended = false;
      read_child(running[i], plan.handles[running[i].index], tracker, ended);
      if (!ended) continue;
      // The pipe closes when the child exits (or dies): reap it.
      Child child = std::move(running[i]);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      ::close(child.fd);
      int status = 0;
      while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (!tracker.has_outcome(child.index))
        tracker.on_event(child.index, ended_without_outcome(plan.handles[child.index], status));
    }
  }
  return tracker.finish();
}

}  // namespace pipectl::cli
