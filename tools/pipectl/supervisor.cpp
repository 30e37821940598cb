// pipectl run's supervisor: forks one child per handle (at most plan.jobs at a time), reads
// the children's events (JSON lines) with poll, reaps them with waitpid, stops those past
// --timeout (SIGTERM, then SIGKILL), queues failed handles again for --retry, and skips
// handles whose videos are complete. Every event goes to the board, the view and the log.
#include "supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
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
#include "job.hpp"
#include "job_outputs.hpp"
#include "notifications.hpp"
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

std::atomic<bool> draining{false};

namespace {
extern "C" void on_interrupt(int) { interrupted = true; }
extern "C" void on_drain(int) { draining = true; }

void handle_signal(int number, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaction(number, &action, nullptr);
}
}  // namespace

void catch_interrupts() {
  handle_signal(SIGINT, on_interrupt);
  handle_signal(SIGTERM, on_interrupt);
}

void catch_drain() {
  handle_signal(SIGINT, on_interrupt);
  handle_signal(SIGTERM, on_drain);
}

namespace {

int cores() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

// How long a child stopped (time-out, Ctrl-C) has to clean up before SIGKILL.
constexpr auto stop_grace = std::chrono::seconds(5);

// Every event goes through here: to the --events file, the board, then the view. Events of
// --no-fork come from the pool's threads, so this is locked.
class Reporter {
 public:
  Reporter(RunBoard& board, TerminalView& view, std::ofstream* log,
           std::function<void(const json::object&)> publish)
      : board_(board), view_(view), log_(log), publish_(std::move(publish)) {}

  void report(std::size_t index, const json::object& event) {
    std::lock_guard lock(mutex_);
    if (log_) *log_ << json::serialize(event) << std::endl;
    if (publish_) publish_(event);
    board_.apply(index, event);
    view_.on_event(index, event);
  }

  // An event of no handle's (the queue out of reach): to the log, the stream and stderr.
  void report_run(const json::object& event, const std::string& command) {
    std::lock_guard lock(mutex_);
    if (log_) *log_ << json::serialize(event) << std::endl;
    if (publish_) publish_(event);
    std::string message = text_of(event, "message");
    if (message.empty()) message = text_of(event, "error");
    std::cerr << "pipectl " << command << ": " << message << std::endl;
  }

  void tick() {
    std::lock_guard lock(mutex_);
    view_.tick();
  }

 private:
  RunBoard& board_;
  TerminalView& view_;
  std::ofstream* log_;
  std::function<void(const json::object&)> publish_;
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

[[noreturn]] void child_main(const RunPlan& plan, const Job& job, int attempt, int threads, int fd, pid_t parent) {
  // The child stops on SIGTERM (a time-out) even where the parent drains on it (a worker), and
  // stops when its parent dies (a SIGKILLed worker), so no orphan goes on writing a video that
  // another worker is making again.
  catch_interrupts();
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) interrupted = true;  // the parent died before prctl
  std::mutex write_mutex;
  bool ok = run_handle(plan, job, attempt, threads, &interrupted, [&](json::object event) {
    std::string line = json::serialize(event) + "\n";
    std::lock_guard lock(write_mutex);
    write_all(fd, line);
  });
  ::close(fd);
  _exit(interrupted ? exit_interrupted : ok ? exit_ok : exit_handles_failed);
}

// The jobs taken from the source, their attempts, and the rules shared by both modes: skipping
// complete videos, cleaning up after killed runs, retrying failures, and telling the source
// and the caller how each job ended.
class Queue {
 public:
  Queue(const RunPlan& plan, JobSource& source, Reporter& reporter, RunBoard& board, Notifications& notifications)
      : plan_(plan), source_(source), reporter_(reporter), board_(board), notifications_(notifications) {}

  // The next job to start (its index in job()), with its attempt number; skipped jobs are
  // reported here.
  std::optional<std::pair<size_t, int>> next() {
    if (source_.stopping()) return std::nullopt;
    while (true) {
      std::optional<size_t> index;
      if (!retries_.empty() && (source_.retries_first() || !source_.open())) {
        index = retries_.front();
        retries_.pop_front();
      } else if (auto job = source_.next()) {
        const size_t row = board_.index_of(job->handle);
        entries_.push_back(Entry{std::move(*job), 0, row});
        index = entries_.size() - 1;
      } else if (!retries_.empty()) {
        index = retries_.front();
        retries_.pop_front();
      } else {
        return std::nullopt;
      }
      Entry& entry = entries_[*index];
      if (!prepare(*index, entry.attempts == 0)) continue;
      ++entry.attempts;
      return std::make_pair(*index, entry.job.earlier_attempts + entry.attempts);
    }
  }

  // Whether a job may still start: the source may give more, or a failed one waits for a retry.
  bool more_may_come() const { return !source_.stopping() && (source_.open() || !retries_.empty()); }

  const Job& job(size_t index) const { return entries_[index].job; }
  // The job's row on the board.
  size_t row(size_t index) const { return entries_[index].row; }

  // Removes the temporary files of the job's outputs whose writer no longer runs (a child
  // killed by a signal cannot remove its own), reporting each.
  void remove_leftovers(size_t index) { remove_leftovers(index, handle_outputs(plan_, job(index))); }

  // The jobs in hand (running, or waiting for a retry), for the source to keep them.
  void keep(const std::vector<size_t>& running) {
    std::vector<const Job*> held;
    for (size_t index : running) held.push_back(&job(index));
    for (size_t index : retries_) held.push_back(&job(index));
    source_.keep(held);
  }

  // After a successful attempt: the job is done.
  void succeeded(size_t index) {
    source_.done(job(index));
    notifications_.job_ended(job(index), board_.handle(row(index)));
  }

  // After a failed attempt: queues the job again while it has retries left; else gives it up.
  void failed(size_t index) {
    if (interrupted) return;  // a run's handle stays failed; a queue's job stays with the queue
    Entry& entry = entries_[index];
    const int attempts = entry.job.earlier_attempts + entry.attempts;
    if (attempts > plan_.retries) {
      HandleStatus status = board_.handle(entry.row);
      source_.given_up(entry.job, status.error);
      notifications_.job_ended(entry.job, status);
      return;
    }
    auto event = make_event("retrying", entry.job.handle);
    event["attempt"] = attempts + 1;
    reporter_.report(entry.row, event);
    retries_.push_back(index);
  }

 private:
  struct Entry {
    Job job;
    int attempts = 0;  // attempts made here
    size_t row = 0;
  };

  void remove_leftovers(size_t index, const std::vector<std::string>& outputs) {
    for (const auto& path : outputs) {
      for (const auto& removed : pipectl::remove_stale_temp_files(path)) {
        auto event = make_event("removed", job(index).handle);
        event["file"] = removed.string();
        reporter_.report(row(index), event);
      }
    }
  }

  // Removes what killed runs (or attempts) left of the job's outputs; on the first attempt,
  // false when they are complete (and not --force), after reporting the job as skipped and
  // telling the source it is done.
  bool prepare(size_t index, bool first_attempt) {
    const Job& the_job = job(index);
    auto outputs = handle_outputs(plan_, the_job);
    remove_leftovers(index, outputs);
    if (!first_attempt || plan_.force) return true;
    auto complete = complete_outputs(plan_, outputs);
    if (!complete) return true;
    auto event = make_event("skipped", the_job.handle);
    json::array paths;
    for (const auto& path : complete->names) paths.emplace_back(path);
    event["outputs"] = std::move(paths);
    event["video_seconds"] = complete->video_seconds;
    if (!the_job.id.empty()) event["job"] = the_job.id;
    reporter_.report(row(index), event);
    succeeded(index);
    return false;
  }

  const RunPlan& plan_;
  JobSource& source_;
  Reporter& reporter_;
  RunBoard& board_;
  Notifications& notifications_;
  std::deque<Entry> entries_;  // every job taken, in order (a deque: references stay valid)
  std::deque<size_t> retries_;
};

// --no-fork: the jobs one after the other in this process. A watchdog thread redraws the
// view and turns Ctrl-C or the time-out into the run's cancel flag.
void run_in_process(const RunPlan& plan, Queue& queue, Reporter& reporter, const RunBoard& board,
                    Notifications& notifications) {
  while (!interrupted) {
    notifications.report_outcomes();
    auto next = queue.next();
    if (!next) {
      if (!queue.more_may_come()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      queue.keep({});
      continue;
    }
    auto [index, attempt] = *next;
    const size_t row = queue.row(index);
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
    const Job& job = queue.job(index);
    bool ok = run_handle(plan, job, attempt, 0, &cancel, [&](json::object event) {
      if (timed_out && text_of(event, "event") == "failed")
        event = timed_out_event(job.handle, plan.timeout_seconds, board.handle(row).stage());
      reporter.report(row, event);
    });
    over = true;
    watchdog.join();
    if (ok) queue.succeeded(index);
    else queue.failed(index);
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
bool read_child(Child& child, const RunPlan& plan, const Queue& queue, const RunBoard& board, Reporter& reporter) {
  char buffer[4096];
  ssize_t n = ::read(child.fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  const std::string& handle = queue.job(child.index).handle;
  const size_t row = queue.row(child.index);
  child.pending.append(buffer, static_cast<size_t>(n));
  size_t newline;
  while ((newline = child.pending.find('\n')) != std::string::npos) {
    std::string line = child.pending.substr(0, newline);
    child.pending.erase(0, newline + 1);
    boost::system::error_code error;
    json::value value = json::parse(line, error);
    if (error || !value.is_object()) {
      reporter.report(row, [&] {
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
        event = timed_out_event(handle, plan.timeout_seconds, board.handle(row).stage());
    }
    reporter.report(row, event);
  }
  return true;
}

void run_children(const RunPlan& plan, Queue& queue, Reporter& reporter, const RunBoard& board,
                  StatusServer* status_page, Notifications& notifications) {
  // Children running together share the cores: each gets cores / (children at a time) threads.
  // A run knows how many handles it has; a worker does not, and runs -j at a time.
  size_t at_once = static_cast<size_t>(std::max(1, plan.jobs));
  if (!plan.handles.empty()) at_once = std::min(at_once, plan.handles.size());
  int threads = std::max(1, cores() / static_cast<int>(std::max<size_t>(1, at_once)));
  std::vector<Child> running;
  const pid_t supervisor_pid = ::getpid();
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
      const Job& job = queue.job(index);
      std::cout.flush();
      std::cerr.flush();
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0) {
        auto event = make_event("failed", job.handle);
        event["node"] = "";
        event["error"] = std::string("cannot make a pipe: ") + strerror(errno);
        reporter.report(queue.row(index), event);
        queue.failed(index);
        continue;
      }
      // GCC 12's libasan (and locks of libcurl's and OpenSSL's) are not fork-safe: no other
      // thread may be inside them when the child is made. The status page's and the notifier's
      // threads are parked meanwhile.
      pid_t pid = -1;
      auto fork_child = [&] { notifications.run_paused([&] { pid = fork(); }); };
      if (status_page)
        status_page->run_paused(fork_child);
      else
        fork_child();
      if (pid == 0) {
        ::close(fds[0]);
        for (const auto& child : running) ::close(child.fd);
        child_main(plan, job, attempt, threads, fds[1], supervisor_pid);
      }
      ::close(fds[1]);
      if (pid < 0) {
        ::close(fds[0]);
        auto event = make_event("failed", job.handle);
        event["node"] = "";
        event["error"] = std::string("cannot start a process: ") + strerror(errno);
        reporter.report(queue.row(index), event);
        queue.failed(index);
        continue;
      }
      running.push_back(Child{pid, fds[0], index, Clock::now(), {}, false, false, std::nullopt});
    }
    if (running.empty() && (interrupted || !queue.more_may_come())) break;

    std::vector<pollfd> polled;
    for (const auto& child : running) polled.push_back(pollfd{child.fd, POLLIN, 0});
    // A time-out, so that a signal arriving just before poll is noticed soon, the view is
    // redrawn, time-outs are enforced and a worker looks at its queue again.
    int ready = poll(polled.data(), polled.size(), 100);
    reporter.tick();
    notifications.report_outcomes();
    std::vector<size_t> in_hand;
    for (const auto& child : running) in_hand.push_back(child.index);
    queue.keep(in_hand);
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
      if (read_child(running[i], plan, queue, board, reporter)) continue;
      // The pipe closes when the child exits (or dies): reap it.
      Child child = std::move(running[i]);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      ::close(child.fd);
      int status = 0;
      while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
      }
      const size_t row = queue.row(child.index);
      if (!child.reported) {
        const std::string& handle = queue.job(child.index).handle;
        reporter.report(row, child.stopped ? timed_out_event(handle, plan.timeout_seconds, board.handle(row).stage())
                                           : ended_without_outcome(handle, status));
      }
      if (WIFSIGNALED(status)) queue.remove_leftovers(child.index);
      if (child.ok) queue.succeeded(child.index);
      else queue.failed(child.index);
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
// A worker knows no graph before its jobs come: every stage it could run is set up.
void prepare_processes(const RunPlan& plan) {
  std::map<std::string, std::string> variables = run_defined_variables("", plan.date, plan.tz, plan.out);
  variables.erase("handle");
  variables["api_concurrency"] = std::to_string(plan.api_concurrency);
  if (!plan.graph) {
    RunContext context;
    context.variables = variables;
    context.out_dir = plan.out;
    for (const StageInfo* info : plan.registry->all())
      if (info->prepare_process) info->prepare_process(context);
    return;
  }
  RunContext context = check_context(*plan.graph, merge_variables(*plan.graph, variables));
  context.out_dir = plan.out;
  std::set<std::string> prepared;
  for (const auto& node : plan.graph->nodes) {
    const StageInfo* info = plan.registry->find(node.stage);
    if (info && info->prepare_process && prepared.insert(info->name).second) info->prepare_process(context);
  }
}

int supervise(const RunPlan& plan, JobSource& source) {
  std::optional<std::ofstream> log;
  if (!plan.events_path.empty()) {
    errno = 0;
    log.emplace(plan.events_path, std::ios::trunc);
    if (!*log) {
      const int error = errno;
      std::cerr << "pipectl " << plan.command << ": cannot write the events file " << plan.events_path
                << (error ? ": " + pipectl::write_error_text(error) : std::string()) << '\n';
      return exit_usage;
    }
  }
  RunBoard board(plan.graph_path, plan.date, plan.tz, plan.handles);
  std::optional<StatusServer> server;
  if (!start_status_page(server, plan.status_bind, plan.status_port, board, plan.command)) return exit_usage;
  if (!plan.shard_line.empty()) std::cout << plan.shard_line << std::endl;
  prepare_processes(plan);
  TerminalView view(plan, board, plan.live_view);
  Reporter reporter(board, view, log ? &*log : nullptr, plan.publish_event);
  auto report = [&](json::object event) {
    std::string handle = text_of(event, "handle");
    if (handle.empty()) reporter.report_run(event, plan.command);
    else reporter.report(board.index_of(handle), event);
  };
  source.report = report;
  Notifications notifications(plan.notify_url, report);
  Queue queue(plan, source, reporter, board, notifications);
  if (plan.drain_on_sigterm) catch_drain();
  else catch_interrupts();

  if (plan.fork) run_children(plan, queue, reporter, board, server ? &*server : nullptr, notifications);
  else run_in_process(plan, queue, reporter, board, notifications);

  // The last notifications go out before the summary (a receiver that never answers holds the
  // end of the run back by its retries' time at most).
  notifications.drain(std::chrono::seconds(60));
  notifications.report_outcomes();
  board.set_over(interrupted);
  view.close();
  if (interrupted) {
    StateCounts counts = board.counts();
    std::cerr << "pipectl " << plan.command << ": interrupted; " << counts.done << " of " << board.handle_count()
              << " handles made their video, unfinished videos were removed\n";
    return exit_interrupted;
  }
  bool failed = print_summary(plan, board, std::cout) > 0;
  // A status page polls once a second: give it the time to show that the run is over.
  if (server) std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  return failed ? exit_handles_failed : exit_ok;
}

}  // namespace pipectl::cli
