#include "slurm_cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "paths.hpp"

namespace pipectl::test {

namespace fs = std::filesystem;

namespace {

// The daemons and commands, where Debian installs them.
std::string installed(const std::string& name) {
  for (const char* folder : {"/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"})
    if (access((folder + name).c_str(), X_OK) == 0) return folder + name;
  return {};
}

// A TCP port on 127.0.0.1 that nothing listens on now.
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("no free port on 127.0.0.1");
  }
  close(fd);
  return ntohs(address.sin_port);
}

std::string short_host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  std::string host = name;
  return host.substr(0, host.find('.'));
}

// Waits up to `limit` for `ready`; false if it never was.
template <typename Ready>
bool wait_for(Ready ready, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return ready();
}

}  // namespace

bool SlurmCluster::available(std::string& why) {
  std::string missing;
  for (const char* program : {"munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "sinfo"})
    if (installed(program).empty()) missing += std::string(missing.empty() ? "" : ", ") + program;
  if (missing.empty()) return true;
  why = "Slurm is not installed (missing: " + missing + "; tools/setup installs slurmctld, slurmd, slurm-client, munge)";
  return false;
}

SlurmCluster::SlurmCluster(const fs::path& folder, int cpus, int memory_mib) : folder_(folder) {
  // munged refuses a socket its clients cannot reach: every folder on the way needs o+x.
  fs::create_directories(folder_);
  fs::permissions(folder_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  for (const char* sub : {"munge", "state", "spool", "log"}) fs::create_directories(folder_ / sub);
  fs::path munge = folder_ / "munge";
  fs::permissions(munge, fs::perms::owner_all | fs::perms::others_exec | fs::perms::group_exec);
  fs::path key = munge / "munge.key";
  if (run_command(shell_quote(installed("mungekey")) + " -c -b 1024 -k " + shell_quote(key.string())).exit_code != 0)
    throw std::runtime_error("mungekey could not make a key in " + munge.string());
  fs::path socket = munge / "munge.sock";
  daemons_.push_back(std::make_unique<DaemonProcess>(
      std::vector<std::string>{installed("munged"), "-F", "--socket=" + socket.string(), "--key-file=" + key.string(),
                               "--pid-file=" + (munge / "munged.pid").string(),
                               "--seed-file=" + (munge / "munged.seed").string()},
      folder_ / "log" / "munged.log"));
  if (!wait_for([&] { return fs::exists(socket) || !daemons_.back()->running(); }, std::chrono::seconds(10)) ||
      !daemons_.back()->running())
    throw std::runtime_error("munged did not start:\n" + daemons_.back()->log_tail());

  // Everything on 127.0.0.1: the host name may resolve to an IPv6 address.
  std::string node = short_host_name();
  conf_ = (folder_ / "slurm.conf").string();
  std::ofstream(conf_) << "ClusterName=pipectltest\n"
                       << "SlurmctldHost=" << node << "(127.0.0.1)\n"
                       << "SlurmUser=root\nSlurmdUser=root\n"
                       << "SlurmctldPort=" << free_port() << "\nSlurmdPort=" << free_port() << "\n"
                       << "AuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket=" << socket.string() << "\n"
                       << "StateSaveLocation=" << (folder_ / "state").string() << "\n"
                       << "SlurmdSpoolDir=" << (folder_ / "spool").string() << "\n"
                       << "SlurmctldPidFile=" << (folder_ / "slurmctld.pid").string() << "\n"
                       << "SlurmdPidFile=" << (folder_ / "slurmd.pid").string() << "\n"
                       // No systemd and cgroup v1 here: plain process tracking, no task plugin.
                       << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
                       << "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
                       << "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core_Memory\n"
                       << "MpiDefault=none\nReturnToService=2\nSlurmdParameters=config_overrides\n"
                       // Without these the scheduler waits seconds between waves of array tasks.
                       << "SchedulerParameters=batch_sched_delay=0,sched_min_interval=0\n"
                       << "KillWait=10\n"
                       << "NodeName=" << node << " NodeAddr=127.0.0.1 CPUs=" << cpus << " RealMemory=" << memory_mib
                       << "\nPartitionName=debug Nodes=" << node << " Default=YES State=UP MaxTime=INFINITE\n";
  daemons_.push_back(std::make_unique<DaemonProcess>(
      std::vector<std::string>{installed("slurmctld"), "-D", "-i", "-f", conf_}, folder_ / "log" / "slurmctld.log"));
  daemons_.push_back(std::make_unique<DaemonProcess>(
      std::vector<std::string>{installed("slurmd"), "-D", "-f", conf_, "-N", node}, folder_ / "log" / "slurmd.log"));
  bool idle = wait_for(
      [&] {
        for (const auto& daemon : daemons_)
          if (!daemon->running()) return true;  // one died: stop waiting
        return run_quietly("sinfo -h -o %T").find("idle") == 0;
      },
      std::chrono::seconds(30));
  for (const auto& daemon : daemons_) {
    if (idle && daemon->running()) continue;
    std::string logs;
    for (const auto& each : daemons_) logs += each->name() + " (" + (each->running() ? "running" : "ended") + "):\n" + each->log_tail();
    throw std::runtime_error("the Slurm cluster in " + folder_.string() + " did not come up:\n" + logs);
  }
}

SlurmCluster::~SlurmCluster() {
  if (daemons_.size() == 3 && daemons_[1]->running()) {
    run_quietly("scancel --full --quiet --partition=debug");
    wait_for([&] { return run_quietly("squeue -h -o %i").empty(); }, std::chrono::seconds(20));
  }
  for (auto it = daemons_.rbegin(); it != daemons_.rend(); ++it) (*it)->stop();
}

std::string SlurmCluster::environment() const { return "SLURM_CONF=" + shell_quote(conf_) + " "; }

std::vector<pid_t> SlurmCluster::pids() {
  std::vector<pid_t> running;
  for (const auto& daemon : daemons_)
    if (daemon->running()) running.push_back(daemon->pid());
  return running;
}

std::string SlurmCluster::run_quietly(const std::string& command) const {
  auto result = run_command(environment() + command + " 2>/dev/null");
  return result.exit_code == 0 ? result.output : std::string();
}

}  // namespace pipectl::test
