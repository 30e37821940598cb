// pipectl run's supervisor: forks one child per handle (at most plan.jobs at a time), reads
// the children's events (JSON lines) with poll, reaps them with waitpid, stops those past
// --timeout (SIGTERM, then SIGKILL), queues failed handles again for --retry, and skips
// handles whose videos are complete. Every event goes to the board, the view and the log.
#include "supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "events.hpp"
#include "handle_run.hpp"
#include "encode/encode.hpp"
#include "pipectl/node_values.hpp"
#include "pipectl/temp_files.hpp"
#include "run_board.hpp"
#include "status_server.hpp"
#include "terminal_view.hpp"
#include "pipectl/write_errors.hpp"

namespace pipectl::cli {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// Set by SIGINT/SIGTERM. In a child, the executor stops at the next item and the stages remove
// their temporary files; in the parent, the supervisor forwards SIGINT to the children, waits
// for them and exits 130. A child inherits the handler and its own copy of the flag; the
// parent's time-outs stop a child with SIGTERM, which sets the child's flag.
std::atomic<bool> interrupted{false};

namespace {
extern "C" void on_interrupt(int) { interrupted = true; }
}  // namespace

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

namespace {

int cores() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

// How long a child stopped (time-out, Ctrl-C) has to clean up before SIGKILL.
constexpr auto stop_grace = std::chrono::seconds(5);

// Every event goes through here: to the --events file, the board, then the view. Events of
// --no-fork come from the pool's threads, so this is locked.
class Reporter {
 public:
  Reporter(RunBoard& board, TerminalView& view, std::ofstream* log) : board_(board), view_(view), log_(log) {}

  void report(std::size_t index, const json::object& event) {
    std::lock_guard lock(mutex_);
    if (log_) *log_ << json::serialize(event) << std::endl;
    board_.apply(index, event);
    view_.on_event(index, event);
  }

  void tick() {
    std::lock_guard lock(mutex_);
    view_.tick();
  }

 private:
  RunBoard& board_;
  TerminalView& view_;
  std::ofstream* log_;
  std::mutex mutex_;
};

// The failed event of an attempt stopped for its time-out, in place of "interrupted".
json::object timed_out_event(const std::string& handle, double timeout, const std::string& stage) {
  auto event = make_event("failed", handle);
  event["node"] = "";
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", timeout);
  event["error"] = std::string("timed out after ") + seconds + " s" + (stage.empty() ? "" : " in stage " + stage);
  event["timed_out"] = true;
  return event;
}

// The parent's failed event for a child that ended without reporting its outcome.
json::object ended_without_outcome(const std::string& handle, int status) {
  auto event = make_event("failed", handle);
  event["node"] = "";
  if (WIFSIGNALED(status)) {
    int number = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(number);
    std::string name = abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(number);
    // SIGXFSZ: a file passed the size limit (`ulimit -f`). pipectl ignores it, so only code
    // that restored its default (a plugin) dies of it; say which limit, not only the signal.
    const std::string why =
        number == SIGXFSZ ? "file size limit (RLIMIT_FSIZE) exceeded: a file it wrote passed `ulimit -f`"
                          : strsignal(number);
    event["error"] = "the process was killed by " + name + " (" + why + ")";
    event["signal"] = name;
  } else {
    event["error"] = "the process exited with status " + std::to_string(WEXITSTATUS(status)) +
                     " without reporting an outcome";
  }
  return event;
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

[[noreturn]] void child_main(const RunPlan& plan, size_t index, int attempt, int threads, int fd) {
  std::mutex write_mutex;
  bool ok = run_handle(plan, plan.handles[index], attempt, threads, &interrupted, [&](json::object event) {
    std::string line = json::serialize(event) + "\n";
    std::lock_guard lock(write_mutex);
    write_all(fd, line);
  });
  ::close(fd);
  _exit(interrupted ? exit_interrupted : ok ? exit_ok : exit_handles_failed);
}

// The handles to run, their attempts, and the rules shared by both modes: skipping complete
// videos, cleaning up after killed runs, retrying failures.
class Queue {
 public:
  Queue(const RunPlan& plan, Reporter& reporter) : plan_(plan), reporter_(reporter), attempts_(plan.handles.size()) {
    for (size_t index = 0; index < plan.handles.size(); ++index) waiting_.push_back(index);
  }

  // The next handle to start, with its attempt number; skipped handles are reported here.
  std::optional<std::pair<size_t, int>> next() {
    while (!waiting_.empty()) {
      size_t index = waiting_.front();
      waiting_.pop_front();
      if (!prepare(index, attempts_[index] == 0)) continue;
      return std::make_pair(index, ++attempts_[index]);
    }
    return std::nullopt;
  }

  bool empty() const { return waiting_.empty(); }

  // Removes the temporary files of the handle's videos whose writer no longer runs (a child
  // killed by a signal cannot remove its own), reporting each.
  void remove_leftovers(size_t index) { remove_leftovers(index, handle_outputs(plan_, plan_.handles[index])); }

  // After a failed attempt: queues the handle again while it has retries left.
  void failed(size_t index) {
    if (interrupted || attempts_[index] > plan_.retries) return;
    auto event = make_event("retrying", plan_.handles[index]);
    event["attempt"] = attempts_[index] + 1;
    reporter_.report(index, event);
    waiting_.push_back(index);
  }

 private:
  void remove_leftovers(size_t index, const std::vector<std::string>& outputs) {
    for (const auto& path : outputs) {
      for (const auto& removed : pipectl::remove_stale_temp_files(path)) {
        auto event = make_event("removed", plan_.handles[index]);
        event["file"] = removed.string();
        reporter_.report(index, event);
      }
    }
  }

  // Removes what killed runs (or attempts) left of the handle's videos; on the first attempt,
  // false when they are complete (and not --force), after reporting the handle as skipped.
  bool prepare(size_t index, bool first_attempt) {
    const std::string& handle = plan_.handles[index];
    auto outputs = handle_outputs(plan_, handle);
    remove_leftovers(index, outputs);
    bool complete = !outputs.empty();
    for (const auto& path : outputs) {
      std::error_code error;
      complete = complete && std::filesystem::is_regular_file(path, error) && std::filesystem::file_size(path, error) > 0;
    }
    if (!first_attempt || !complete || plan_.force) return true;
    auto event = make_event("skipped", handle);
    json::array paths;
    double seconds = 0;
    for (const auto& path : outputs) {
      paths.emplace_back(path);
      if (path.ends_with(".mp4")) seconds += encode::video_length_seconds(path).value_or(0);
    }
    event["outputs"] = std::move(paths);
    event["video_seconds"] = seconds;
    reporter_.report(index, event);
    return false;
  }

  const RunPlan& plan_;
  Reporter& reporter_;
  std::vector<int> attempts_;
  std::deque<size_t> waiting_;
};

// --no-fork: the handles one after the other in this process. A watchdog thread redraws the
// view and turns Ctrl-C or the time-out into the run's cancel flag.
void run_in_process(const RunPlan& plan, Queue& queue, Reporter& reporter, const RunBoard& board) {
  while (!interrupted) {
    auto next = queue.next();
    if (!next) break;
    auto [index, attempt] = *next;
    std::atomic<bool> cancel{false}, timed_out{false}, over{false};
    auto started = Clock::now();
    std::thread watchdog([&] {
      while (!over) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (interrupted) cancel = true;
        if (plan.timeout_seconds > 0 && !cancel &&
            std::chrono::duration<double>(Clock::now() - started).count() > plan.timeout_seconds) {
          timed_out = true;
          cancel = true;
        }
        reporter.tick();
      }
    });
    const std::string& handle = plan.handles[index];
    bool ok = run_handle(plan, handle, attempt, 0, &cancel, [&](json::object event) {
      if (timed_out && text_of(event, "event") == "failed")
        event = timed_out_event(handle, plan.timeout_seconds, board.handle(index).stage());
      reporter.report(index, event);
    });
    over = true;
    watchdog.join();
    if (!ok) queue.failed(index);
  }
}

// One running child: its pipe, what has been read of a line so far, and what it reported.
struct Child {
  pid_t pid;
  int fd;
  size_t index;
  Clock::time_point started;
  std::string pending;
  bool reported = false;  // it sent finished or failed
  bool ok = false;
  std::optional<Clock::time_point> stopped;  // when its time-out sent SIGTERM
};

// Reads what the child wrote; false once its pipe is closed (it has exited or died).
bool read_child(Child& child, const RunPlan& plan, const RunBoard& board, Reporter& reporter) {
  char buffer[4096];
  ssize_t n = ::read(child.fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  const std::string& handle = plan.handles[child.index];
  child.pending.append(buffer, static_cast<size_t>(n));
  size_t newline;
  while ((newline = child.pending.find('\n')) != std::string::npos) {
    std::string line = child.pending.substr(0, newline);
    child.pending.erase(0, newline + 1);
    boost::system::error_code error;
    json::value value = json::parse(line, error);
    if (error || !value.is_object()) {
      reporter.report(child.index, [&] {
        auto event = make_event("warning", handle);
        event["message"] = "unreadable event from its process: " + line;
        return event;
      }());
      continue;
    }
    json::object event = std::move(value.get_object());
    std::string name = text_of(event, "event");
    if (name == "finished" || name == "failed") {
      child.reported = true;
      child.ok = name == "finished";
      if (!child.ok && child.stopped)
        event = timed_out_event(handle, plan.timeout_seconds, board.handle(child.index).stage());
    }
    reporter.report(child.index, event);
  }
  return true;
}

void run_children(const RunPlan& plan, Queue& queue, Reporter& reporter, const RunBoard& board,
                  StatusServer* status_page) {
  // Children running together share the cores: each gets cores / (children at a time) threads.
  size_t at_once = std::min(static_cast<size_t>(std::max(1, plan.jobs)), plan.handles.size());
  int threads = std::max(1, cores() / static_cast<int>(std::max<size_t>(1, at_once)));
  std::vector<Child> running;
  std::optional<Clock::time_point> forwarded;  // when Ctrl-C was passed on to the children
  while (true) {
    if (interrupted && !forwarded) {
      for (const auto& child : running) kill(child.pid, SIGINT);
      forwarded = Clock::now();
    } else if (forwarded && Clock::now() - *forwarded > stop_grace) {
      for (const auto& child : running) kill(child.pid, SIGKILL);  // stuck: stop it for good
    }
    while (!interrupted && running.size() < at_once) {
      auto next = queue.next();
      if (!next) break;
      auto [index, attempt] = *next;
      std::cout.flush();
      std::cerr.flush();
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0) {
        auto event = make_event("failed", plan.handles[index]);
        event["node"] = "";
        event["error"] = std::string("cannot make a pipe: ") + strerror(errno);
        reporter.report(index, event);
        continue;
      }
      pid_t pid = -1;
      if (status_page)
        status_page->run_paused([&] { pid = fork(); });
      else
        pid = fork();
      if (pid == 0) {
        ::close(fds[0]);
        for (const auto& child : running) ::close(child.fd);
        child_main(plan, index, attempt, threads, fds[1]);
      }
      ::close(fds[1]);
      if (pid < 0) {
        ::close(fds[0]);
        auto event = make_event("failed", plan.handles[index]);
        event["node"] = "";
        event["error"] = std::string("cannot start a process: ") + strerror(errno);
        reporter.report(index, event);
        continue;
      }
      running.push_back(Child{pid, fds[0], index, Clock::now(), {}, false, false, std::nullopt});
    }
    if (running.empty()) break;

    std::vector<pollfd> polled;
    for (const auto& child : running) polled.push_back(pollfd{child.fd, POLLIN, 0});
    // A time-out, so that a signal arriving just before poll is noticed soon, the view is
    // redrawn and time-outs are enforced.
    int ready = poll(polled.data(), polled.size(), 100);
    reporter.tick();
    auto now = Clock::now();
    for (auto& child : running) {
      if (plan.timeout_seconds <= 0) break;
      if (!child.stopped && std::chrono::duration<double>(now - child.started).count() > plan.timeout_seconds) {
        kill(child.pid, SIGTERM);
        child.stopped = now;
      } else if (child.stopped && now - *child.stopped > stop_grace) {
        kill(child.pid, SIGKILL);
      }
    }
    if (ready <= 0) continue;  // time-out or EINTR: look at the flag again
    for (size_t i = running.size(); i-- > 0;) {
      if (!polled[i].revents) continue;
      if (read_child(running[i], plan, board, reporter)) continue;
      // The pipe closes when the child exits (or dies): reap it.
      Child child = std::move(running[i]);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      ::close(child.fd);
      int status = 0;
      while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (!child.reported) {
        const std::string& handle = plan.handles[child.index];
        reporter.report(child.index, child.stopped ? timed_out_event(handle, plan.timeout_seconds,
                                                                     board.handle(child.index).stage())
                                                   : ended_without_outcome(handle, status));
      }
      if (WIFSIGNALED(status)) queue.remove_leftovers(child.index);
      if (!child.ok) queue.failed(child.index);
    }
  }
}

}  // namespace

// One handle per core, each child's threads (render, x264) its share of the cores: the
// supervisor itself only polls pipes. Measured on 2 cores with the benchmark feed (when this
// default was set), -j 2 beat -j 1 by 14% in wall time, with fewer render workers and x264
// threads per process; README "Tests and benchmark" has the current figures.
int default_jobs() { return cores(); }

// Each stage of the graph does its process-wide setup once, before any handle runs (and before
// the children are forked, so they inherit it): fetch's shared limit on X API calls, say. The
// variables are the run's, less the handle; `api_concurrency` carries --api-concurrency.
void prepare_processes(const RunPlan& plan) {
  std::map<std::string, std::string> variables = run_defined_variables("", plan.date, plan.tz, plan.out);
  variables.erase("handle");
  variables["api_concurrency"] = std::to_string(plan.api_concurrency);
  RunContext context = check_context(*plan.graph, merge_variables(*plan.graph, variables));
  context.out_dir = plan.out;
  std::set<std::string> prepared;
  for (const auto& node : plan.graph->nodes) {
    const StageInfo* info = plan.registry->find(node.stage);
    if (info && info->prepare_process && prepared.insert(info->name).second) info->prepare_process(context);
  }
}

int supervise(const RunPlan& plan) {
  std::optional<std::ofstream> log;
  if (!plan.events_path.empty()) {
    errno = 0;
    log.emplace(plan.events_path, std::ios::trunc);
    if (!*log) {
      const int error = errno;
      std::cerr << "pipectl run: cannot write the events file " << plan.events_path
                << (error ? ": " + pipectl::write_error_text(error) : std::string()) << '\n';
      return exit_usage;
    }
  }
  RunBoard board(plan.graph_path, plan.date, plan.tz, plan.handles);
  std::optional<StatusServer> server;
  if (!start_status_page(server, plan.status_bind, plan.status_port, board, "run")) return exit_usage;
  if (!plan.shard_line.empty()) std::cout << plan.shard_line << std::endl;
  prepare_processes(plan);
  TerminalView view(plan, board, plan.live_view);
  Reporter reporter(board, view, log ? &*log : nullptr);
  Queue queue(plan, reporter);
  catch_interrupts();

  if (plan.fork) run_children(plan, queue, reporter, board, server ? &*server : nullptr);
  else run_in_process(plan, queue, reporter, board);

  board.set_over(interrupted);
  view.close();
  if (interrupted) {
    StateCounts counts = board.counts();
    std::cerr << "pipectl run: interrupted; " << counts.done << " of " << plan.handles.size()
              << " handles made their video, unfinished videos were removed\n";
    return exit_interrupted;
  }
  bool failed = print_summary(plan, board, std::cout) > 0;
  // A status page polls once a second: give it the time to show that the run is over.
  if (server) std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  return failed ? exit_handles_failed : exit_ok;
}

}  // namespace pipectl::cli
