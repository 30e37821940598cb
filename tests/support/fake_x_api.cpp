// Starts and stops fake-x-api processes, reading the port from the line they print.
#include "fake_x_api.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

#include "paths.hpp"

namespace pipectl::test {

std::string fake_x_api_binary() {
  const char* binary = std::getenv("PIPECTL_FAKE_X_API");
  if (!binary || !*binary) return (build_dir() / "fake-x-api").string();
  return binary;
}

std::filesystem::path live_fixtures() { return source_dir() / "tests" / "fixtures" / "live"; }

FakeXApi::FakeXApi(const std::vector<std::string>& arguments, const std::filesystem::path& stderr_file) {
  std::vector<std::string> words{fake_x_api_binary(), "--port", "0"};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);

  int pipe_ends[2];
  if (pipe2(pipe_ends, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(pipe_ends[1], STDOUT_FILENO);
    if (!stderr_file.empty()) {
      int file = open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (file >= 0) dup2(file, STDERR_FILENO);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_ends[1]);
  stdout_fd_ = pipe_ends[0];

  // The first line is "listening on URL"; read it byte by byte so nothing after it is lost.
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.empty() || line.back() != '\n') {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd ready{stdout_fd_, POLLIN, 0};
    char c = 0;
    if (left.count() <= 0 || poll(&ready, 1, static_cast<int>(left.count())) <= 0 || read(stdout_fd_, &c, 1) != 1) {
      int code = stop();
      throw std::runtime_error(std::string("fake-x-api did not start (exit code ").append(std::to_string(code)).append(
          "); it printed: ").append(line));
    }
    line.push_back(c);
  }
  const std::string prefix = "listening on ";
  if (line.rfind(prefix, 0) != 0) {
    stop();
    throw std::runtime_error(std::string("fake-x-api printed an unexpected first line: ").append(line));
  }
  url_ = line.substr(prefix.size(), line.size() - prefix.size() - 1);
}

int FakeXApi::stop() {
  int code = -1;
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
  return code;
}

FakeXApi::~FakeXApi() { stop(); }

}  // namespace pipectl::test
