#include "api_gate.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

namespace pipectl::fetch {

namespace {

constexpr int default_slots = 4;

struct Gate {
  std::mutex mutex;
  std::condition_variable freed;
  int slots = default_slots;
  int in_use = 0;                  // per-process counter, when no folder is set
  std::filesystem::path folder;    // empty: per process only
};

Gate& gate() {
  static Gate instance;
  return instance;
}

// Tries every slot file once, starting from a random one so waiting processes spread out;
// returns the locked file's descriptor, or -1 when all are held.
int try_lock_a_slot(const std::filesystem::path& folder, int slots, std::mt19937& random) {
  int first = std::uniform_int_distribution<int>(0, slots - 1)(random);
  for (int i = 0; i < slots; ++i) {
    auto file = folder / ("slot-" + std::to_string((first + i) % slots));
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + file.string());
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
    ::close(fd);
  }
  return -1;
}

}  // namespace

void configure_api_gate(int slots, const std::filesystem::path& folder) {
  if (slots < 1) throw std::invalid_argument("the API concurrency must be at least 1");
  std::lock_guard lock(gate().mutex);
  gate().slots = slots;
  gate().folder = folder;
}

int api_gate_slots() {
  std::lock_guard lock(gate().mutex);
  return gate().slots;
}

ApiSlot::ApiSlot() {
  Gate& g = gate();
  std::unique_lock lock(g.mutex);
  if (g.folder.empty()) {
    g.freed.wait(lock, [&] { return g.in_use < g.slots; });
    ++g.in_use;
    local_ = true;
    return;
  }
  std::filesystem::path folder = g.folder;
  int slots = g.slots;
  lock.unlock();
  std::filesystem::create_directories(folder);  // on the first call: runs without API calls leave nothing
  thread_local std::mt19937 random(std::random_device{}());
  auto pause = std::chrono::milliseconds(5);
  while ((fd_ = try_lock_a_slot(folder, slots, random)) < 0) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

ApiSlot::~ApiSlot() {
  if (local_) {
    {
      std::lock_guard lock(gate().mutex);
      --gate().in_use;
    }
    gate().freed.notify_one();
  }
  if (fd_ >= 0) ::close(fd_);  // closing the file releases its lock
}

}  // namespace pipectl::fetch
