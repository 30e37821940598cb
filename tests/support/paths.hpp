// Where tests find things, and the few process helpers every test module shares.
#pragma once

#include <filesystem>
#include <string>

namespace pipectl::test {

std::filesystem::path source_dir();  // $PIPECTL_SOURCE_DIR (set by meson test)
std::filesystem::path build_dir();   // $PIPECTL_BUILD_DIR
// ../shared/reference etc.; empty when absent (tests that need it then SKIP, saying so).
std::filesystem::path shared_dir();

// A fresh empty folder under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "pipectl-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `command` through /bin/sh and captures what it prints.
CommandResult run_command(const std::string& command);

// Quotes `text` for /bin/sh.
std::string shell_quote(const std::string& text);

// How many times slower than the release build this build runs: $PIPECTL_TEST_TIME_SCALE
// (tools/test sets it for the sanitizer builds, with meson's --timeout-multiplier), else 1.
// A test that gives a process a deadline of its own (pipectl run --timeout) multiplies it by this.
int time_scale();

}  // namespace pipectl::test
