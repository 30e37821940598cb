#include "file_limits.hpp"

#include <unistd.h>

#include <csignal>
#include <stdexcept>

#include "paths.hpp"

namespace pipectl::test {

FileSizeLimit::FileSizeLimit(rlim_t bytes) {
  if (getrlimit(RLIMIT_FSIZE, &saved_) != 0) throw std::runtime_error("getrlimit(RLIMIT_FSIZE) failed");
  previous_ = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit lowered = saved_;
  lowered.rlim_cur = bytes;
  if (setrlimit(RLIMIT_FSIZE, &lowered) != 0) throw std::runtime_error("setrlimit(RLIMIT_FSIZE) failed");
}

FileSizeLimit::~FileSizeLimit() {
  setrlimit(RLIMIT_FSIZE, &saved_);
  std::signal(SIGXFSZ, previous_);
}

namespace {

// Root makes a mount namespace directly; anyone else through a user namespace mapping them to
// root in it (where the kernel allows unprivileged user namespaces).
std::string unshare_command() { return ::geteuid() == 0 ? "unshare --mount" : "unshare --mount --map-root-user"; }

}  // namespace

std::string own_filesystem_problem() {
  TempDir folder("pipectl-own-fs");
  auto result = run_command(with_own_filesystem(folder.path(), "size=16k", "touch " + shell_quote((folder.path() / "x").string())));
  if (result.exit_code == 0 && !std::filesystem::exists(folder.path() / "x")) return {};
  return "cannot mount a tmpfs in a private mount namespace here (" + unshare_command() + "): " + result.output;
}

std::string with_own_filesystem(const std::filesystem::path& mount_point, const std::string& options,
                                const std::string& command) {
  const std::string script = "mount -t tmpfs -o " + shell_quote(options) + " pipectl-test " +
                             shell_quote(mount_point.string()) + " && exec " + command;
  return unshare_command() + " /bin/sh -c " + shell_quote(script);
}

}  // namespace pipectl::test
