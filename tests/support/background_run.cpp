#include "background_run.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "paths.hpp"

namespace pipectl::test {

BackgroundRun::BackgroundRun(const std::string& command, const std::filesystem::path& output) : output_(output) {
  std::string line = "exec " + command + " >" + shell_quote(output.string()) + " 2>&1";
  pid_ = fork();
  if (pid_ == 0) {
    execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid_ < 0) throw std::runtime_error("fork failed for: " + command);
}

BackgroundRun::~BackgroundRun() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int BackgroundRun::wait() {
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string BackgroundRun::output() const {
  std::ifstream in(output_);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace pipectl::test
