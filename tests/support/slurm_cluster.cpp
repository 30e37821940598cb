#include "slurm_cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
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

// `count` distinct TCP ports on 127.0.0.1 that nothing listens on now: all held open while
// chosen, so the kernel cannot hand out the same one twice.
std::vector<int> free_ports(int count) {
  std::vector<int> sockets, ports;
  for (int i = 0; i < count; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    bool bound = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                 getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
    if (fd >= 0) sockets.push_back(fd);
    if (!bound) break;
    ports.push_back(ntohs(address.sin_port));
  }
  for (int fd : sockets) close(fd);
  if (static_cast<int>(ports.size()) != count) throw std::runtime_error("no free port on 127.0.0.1");
  return ports;
}

// A key of the cluster's own: 1024 random bytes, as mungekey makes (munged takes any key of
// 32 bytes or more), private to its user, as munged insists.
void write_munge_key(const fs::path& key) {
  std::random_device random;
  std::string bytes(1024, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random() & 0xff);
  if (!(std::ofstream(key, std::ios::binary) << bytes)) throw std::runtime_error("cannot write " + key.string());
  fs::permissions(key, fs::perms::owner_read);
}

// Ends what is left of the cluster's jobs (slurmstepd and the tasks under it, or a client
// still waiting for the controller) if scancel did not: the processes whose environment
// names this cluster's slurm.conf. slurmstepd leaves slurmd's process tree, so this is how
// they are found; no other cluster's processes carry that path.
void kill_stragglers(const std::string& conf) {
  const std::string mark = "SLURM_CONF=" + conf;
  std::error_code error;  // error codes, not exceptions: this runs in a destructor
  for (fs::directory_iterator it("/proc", error), end; !error && it != end; it.increment(error)) {
    std::string name = it->path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::stoi(name);
    if (pid == getpid()) continue;
    std::ifstream in(it->path() / "environ", std::ios::binary);
    std::string variable;
    while (std::getline(in, variable, '\0'))
      if (variable == mark) {
        kill(pid, SIGKILL);
        break;
      }
  }
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
  for (const char* program : {"munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "sinfo"})
    if (installed(program).empty()) missing += std::string(missing.empty() ? "" : ", ") + program;
  if (missing.empty()) return true;
  why = "Slurm is not installed (missing: " + missing + "; tools/setup installs slurmctld, slurmd, slurm-client, munge)";
  return false;
}

SlurmCluster::SlurmCluster(const fs::path& folder, int cpus, int memory_mib) : folder_(folder) {
  if (cpus <= 0) cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (memory_mib <= 0) throw std::invalid_argument("SlurmCluster: memory_mib must be positive");
  // A second cluster in the same folder would overwrite the first one's slurm.conf, and its
  // slurmd would kill the first slurmd named in the shared pid file.
  if (fs::exists(folder_) && !fs::is_empty(folder_))
    throw std::runtime_error("SlurmCluster needs a new or empty folder: " + folder_.string() + " is not");
  // munged refuses a socket its clients cannot reach: every folder on the way needs o+x.
  fs::create_directories(folder_);
  fs::permissions(folder_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  for (const char* sub : {"munge", "state", "spool", "log"}) fs::create_directories(folder_ / sub);
  fs::path munge = folder_ / "munge";
  fs::permissions(munge, fs::perms::owner_all | fs::perms::others_exec | fs::perms::group_exec);
  fs::path key = munge / "munge.key";
  write_munge_key(key);
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
  auto ports = free_ports(2);
  conf_ = (folder_ / "slurm.conf").string();
  std::ofstream(conf_) << "ClusterName=pipectltest\n"
                       << "SlurmctldHost=" << node << "(127.0.0.1)\n"
                       << "SlurmUser=root\nSlurmdUser=root\n"
                       << "SlurmctldPort=" << ports[0] << "\nSlurmdPort=" << ports[1] << "\n"
                       << "AuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket=" << socket.string() << "\n"
                       << "StateSaveLocation=" << (folder_ / "state").string() << "\n"
                       << "SlurmdSpoolDir=" << (folder_ / "spool").string() << "\n"
                       << "SlurmctldPidFile=" << (folder_ / "slurmctld.pid").string() << "\n"
                       << "SlurmdPidFile=" << (folder_ / "slurmd.pid").string() << "\n"
                       // No systemd and cgroup v1 here: plain process tracking, no task plugin.
                       << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
                       << "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
                       << "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core_Memory\n"
                       // A job without --mem would otherwise take all the node's memory: one at a time.
                       << "DefMemPerCPU=" << std::max(1, memory_mib / cpus) << "\n"
                       << "MpiDefault=none\nReturnToService=2\nSlurmdParameters=config_overrides\n"
                       // Without these the scheduler waits seconds between waves of array tasks.
                       << "SchedulerParameters=batch_sched_delay=0,sched_min_interval=0\n"
                       << "KillWait=10\n"
                       << "NodeName=" << node << " NodeAddr=127.0.0.1 CPUs=" << cpus << " RealMemory=" << memory_mib
                       << "\nPartitionName=debug Nodes=" << node << " Default=YES State=UP MaxTime=INFINITE\n";
  // slurmd 22.05 loads a cgroup plugin even with the plugins above, and autodetect fails
  // where /sys/fs/cgroup is not mounted (a chroot: the fresh-machine check). cgroup/v1
  // starts without it, and is what this kernel has (scale-out.md).
  std::ofstream(folder_ / "cgroup.conf") << "CgroupPlugin=cgroup/v1\n";
  daemons_.push_back(std::make_unique<DaemonProcess>(
      std::vector<std::string>{installed("slurmctld"), "-D", "-i", "-f", conf_}, folder_ / "log" / "slurmctld.log"));
  daemons_.push_back(std::make_unique<DaemonProcess>(
      std::vector<std::string>{installed("slurmd"), "-D", "-f", conf_, "-N", node}, folder_ / "log" / "slurmd.log",
      std::vector<std::string>{"SLURM_CONF=" + conf_}));  // inherited by slurmstepd: see kill_stragglers
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
  if (pids().size() == 3) {
    run_quietly("scancel --full --quiet --partition=debug");
    wait_for([&] { return run_quietly("squeue -h -o %i").empty(); }, std::chrono::seconds(20));
  }
  for (auto it = daemons_.rbegin(); it != daemons_.rend(); ++it) (*it)->stop();
  if (!conf_.empty()) kill_stragglers(conf_);
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
