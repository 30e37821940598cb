// A real single-node Slurm cluster on loopback for a test: munged, slurmctld and slurmd from
// Debian's packages, started in the foreground from files written into a folder the test
// owns, everything pinned to 127.0.0.1 on free ports, and stopped by PID when the object goes
// away. ../shared/reference/scale-out.md lists what this needs on these machines.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "daemon_process.hpp"

namespace pipectl::test {

class SlurmCluster {
 public:
  // Whether munged, slurmctld, slurmd and sbatch are installed; if not, `why` says what is
  // missing (the test then SKIPs, saying so).
  static bool available(std::string& why);

  // Starts the daemons with their files in `folder` (new or empty); `cpus` (0: this
  // machine's cores) and `memory_mib` are what the node offers to jobs (one without --mem
  // gets memory_mib / cpus a CPU). Returns once the node is idle; throws std::runtime_error
  // with the daemons' logs if it does not come up within 30 s.
  SlurmCluster(const std::filesystem::path& folder, int cpus = 8, int memory_mib = 4000);
  // Cancels what is left of the test's jobs, stops slurmd, slurmctld and munged by PID, then
  // kills any process still carrying this cluster's SLURM_CONF (a job scancel missed).
  ~SlurmCluster();
  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;

  // What to put before a command so that it talks to this cluster: "SLURM_CONF='...' ".
  std::string environment() const;
  // The daemons still running (a test can check that none is left).
  std::vector<pid_t> pids();

 private:
  std::string run_quietly(const std::string& command) const;

  std::filesystem::path folder_;
  std::string conf_;
  std::vector<std::unique_ptr<DaemonProcess>> daemons_;  // munged, slurmctld, slurmd: started in order
};

}  // namespace pipectl::test
