#include "daemon_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <deque>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace pipectl::test {

DaemonProcess::DaemonProcess(std::vector<std::string> argv, const std::filesystem::path& log,
                             const std::vector<std::string>& environment)
    : name_(std::filesystem::path(argv.at(0)).filename().string()), log_(log) {
  std::vector<char*> words;
  for (auto& word : argv) words.push_back(word.data());
  words.push_back(nullptr);
  std::vector<std::string> variables = environment;
  int file = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (file < 0) throw std::runtime_error("cannot write " + log.string());
  pid_ = fork();
  if (pid_ < 0) {
    close(file);
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    dup2(file, STDOUT_FILENO);
    dup2(file, STDERR_FILENO);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    setpgid(0, 0);  // its own process group: a Ctrl-C meant for the test does not reach it
    for (auto& variable : variables) putenv(variable.data());
    execv(words[0], words.data());
    _exit(127);
  }
  close(file);
}

DaemonProcess::~DaemonProcess() { stop(); }

namespace {

std::string ending(int status) {
  return WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status)) : "exit " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

bool DaemonProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  ended_ = ending(status);
  pid_ = -1;
  return false;
}

std::string DaemonProcess::stop(std::chrono::milliseconds grace) {
  if (!running()) return ended_;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (running()) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    ended_ = ending(status);
    pid_ = -1;
  }
  return ended_;
}

std::string DaemonProcess::log_tail(std::size_t lines) const {
  std::ifstream in(log_);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string text;
  for (const auto& kept : last) text += "  " + kept + "\n";
  return text;
}

}  // namespace pipectl::test
