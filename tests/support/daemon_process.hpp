// A server a test starts itself (munged, slurmctld, redis-server...): run in the foreground as
// the test's own child, its output into a log file, stopped by its PID when the object goes
// away (SIGTERM, then SIGKILL if it has not exited within the grace time).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace pipectl::test {

class DaemonProcess {
 public:
  // Starts argv[0] (a path) with `argv` and `environment` (NAME=VALUE, added to the test's),
  // stdout and stderr appended to `log`. Throws std::runtime_error if it cannot be started.
  DaemonProcess(std::vector<std::string> argv, const std::filesystem::path& log,
                const std::vector<std::string>& environment = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  // Whether it is still running (reaps it if it has exited).
  bool running();
  // SIGTERM, then SIGKILL after `grace`; waits for it. Returns how it ended ("exit 0",
  // "signal 9"), also when it had ended by itself.
  std::string stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // The last lines of its log, for error messages.
  std::string log_tail(std::size_t lines = 15) const;

 private:
  pid_t pid_ = -1;
  std::string name_;
  std::filesystem::path log_;
  std::string ended_;  // how it ended, once it has
};

}  // namespace pipectl::test
