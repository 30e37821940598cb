// A fake-x-api server process (tools/fake-x-api) for a test: started on a free port, stopped
// with SIGTERM when the object goes away. The live client's integration tests use it too.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace pipectl::test {

// The fake-x-api the build made ($PIPECTL_FAKE_X_API, set by meson test).
std::string fake_x_api_binary();

// tests/fixtures/live: the handles and faults for live-client tests (its README.md says which).
std::filesystem::path live_fixtures();

class FakeXApi {
 public:
  // Runs fake-x-api with `arguments` and "--port 0"; returns once it printed its "listening on"
  // line (throws std::runtime_error if it exits or stays silent for 10 s). Its stderr goes to
  // `stderr_file` when given, else to the test's.
  explicit FakeXApi(const std::vector<std::string>& arguments, const std::filesystem::path& stderr_file = {});
  ~FakeXApi();
  FakeXApi(const FakeXApi&) = delete;
  FakeXApi& operator=(const FakeXApi&) = delete;

  const std::string& url() const { return url_; }  // "http://127.0.0.1:PORT" (https with TLS)
  pid_t pid() const { return pid_; }
  // Sends SIGTERM and waits: the exit code (0: it stopped cleanly), 128 + signal if killed.
  int stop();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string url_;
};

}  // namespace pipectl::test
