#include "paths.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>

namespace pipectl::test {

namespace {
std::filesystem::path from_env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value)
    throw std::runtime_error(std::string(name) + " is not set: run the tests with 'meson test'");
  return std::filesystem::path(value);
}
}  // namespace

std::filesystem::path source_dir() { return from_env("PIPECTL_SOURCE_DIR"); }
std::filesystem::path build_dir() { return from_env("PIPECTL_BUILD_DIR"); }

std::filesystem::path shared_dir() {
  const char* value = std::getenv("PIPECTL_SHARED_DIR");
  if (!value || !std::filesystem::is_directory(value)) return {};
  return std::filesystem::canonical(value);
}

TempDir::TempDir(const std::string& prefix) {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = std::filesystem::temp_directory_path() /
                     (prefix + "-" + std::to_string(random()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("could not create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += "'\\''";
    else quoted += c;
  }
  return quoted + "'";
}

int time_scale() {
  const char* text = std::getenv("PIPECTL_TEST_TIME_SCALE");
  int scale = text ? std::atoi(text) : 1;
  return scale >= 1 ? scale : 1;
}

}  // namespace pipectl::test
