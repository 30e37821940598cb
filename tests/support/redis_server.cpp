#include "redis_server.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

namespace pipectl::test {

namespace {

constexpr const char* redis_server_path = "/usr/bin/redis-server";

// Whether a Redis server answers PING on `socket_path` (one still loading its append-only
// file answers -LOADING instead).
bool answers_ping(const std::filesystem::path& socket_path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
  timeval limit{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  bool pong = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      send(fd, "PING\r\n", 6, MSG_NOSIGNAL) == 6) {
    char answer[16] = {};
    pong = recv(fd, answer, sizeof answer - 1, 0) >= 5 && std::strncmp(answer, "+PONG", 5) == 0;
  }
  close(fd);
  return pong;
}

}  // namespace

bool RedisServer::available(std::string& why) {
  if (access(redis_server_path, X_OK) == 0) return true;
  why = std::string(redis_server_path) + " is not installed (tools/setup installs redis-server)";
  return false;
}

RedisServer::RedisServer() { start(); }

RedisServer::~RedisServer() { stop(); }

std::string RedisServer::url(const std::string& stream) const {
  return "unix://" + socket_path().string() + "?stream=" + stream;
}

void RedisServer::start() {
  const std::string folder = folder_.path().string();
  // --save "": no RDB snapshots; the append-only file alone keeps the data across a restart.
  process_ = std::make_unique<DaemonProcess>(
      std::vector<std::string>{redis_server_path, "--port", "0", "--unixsocket", socket_path().string(),
                               "--unixsocketperm", "700", "--dir", folder, "--appendonly", "yes", "--save", ""},
      folder_.path() / "redis.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10) * time_scale();
  while (!answers_ping(socket_path())) {
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      const std::string how =
          process_->running() ? "did not answer PING within 10 s" : "ended (" + process_->stop() + ")";
      const std::string log = process_->log_tail();
      process_->stop();
      throw std::runtime_error("redis-server in " + folder + " " + how + ":\n" + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void RedisServer::stop() {
  if (process_) process_->stop();
}

void RedisServer::restart() {
  stop();
  start();
}

}  // namespace pipectl::test
