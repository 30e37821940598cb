// A command run in the background through /bin/sh, its output to a file: for tests that signal
// a real pipectl process while it works (Ctrl-C, SIGKILL) and time how it ends.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace pipectl::test {

class BackgroundRun {
 public:
  // Starts `command` (stdout and stderr to `output`); the shell execs it, so pid() is the command's.
  BackgroundRun(const std::string& command, const std::filesystem::path& output);
  ~BackgroundRun();  // kills (SIGKILL) and reaps a run still going
  BackgroundRun(const BackgroundRun&) = delete;
  BackgroundRun& operator=(const BackgroundRun&) = delete;

  pid_t pid() const { return pid_; }
  // Waits for the run to end; its exit code (128 + n when a signal n ended it).
  int wait();
  std::string output() const;

 private:
  pid_t pid_ = -1;
  std::filesystem::path output_;
};

}  // namespace pipectl::test
