// Disks that refuse bytes, for the tests of what pipectl does then: a lowered file size limit in
// this process (RLIMIT_FSIZE), and a command run over a small or read-only filesystem of its own
// (a tmpfs mounted in a private mount namespace, gone when the command ends: nothing to clean
// up, nothing seen by other processes).
#pragma once

#include <sys/resource.h>

#include <filesystem>
#include <string>

namespace pipectl::test {

// Lowers this process's file size limit to `bytes` with SIGXFSZ ignored, so that a write past it
// fails with EFBIG as it does in pipectl (main.cpp ignores SIGXFSZ); both are restored when the
// object goes away. Only the soft limit moves, so it can go back up without privileges.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes);
  ~FileSizeLimit();
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  struct rlimit saved_ {};
  void (*previous_)(int) = nullptr;
};

// Empty when commands can be run over a filesystem of their own here (unshare(1) makes a mount
// namespace, as root or through a user namespace, and tmpfs mounts in it); else why not, for a
// SKIP.
std::string own_filesystem_problem();

// A /bin/sh command line that mounts a tmpfs with `options` ("size=12k", "ro") on the existing
// folder `mount_point` in a private mount namespace, then execs `command` (a shell command) there.
std::string with_own_filesystem(const std::filesystem::path& mount_point, const std::string& options,
                                const std::string& command);

}  // namespace pipectl::test
