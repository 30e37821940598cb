// A real Redis server for a test: Debian's redis-server in the foreground as the test's child
// (daemon_process.hpp), listening on a unix socket only (no TCP port), with its data and an
// append-only file in a temporary folder, so that a restart keeps what was written. Stopped
// by its PID when the object goes away.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "daemon_process.hpp"
#include "paths.hpp"

namespace pipectl::test {

class RedisServer {
 public:
  // Whether redis-server is installed; if not, `why` says so (the test then SKIPs).
  static bool available(std::string& why);

  // Starts it; returns once it answers PING, or throws std::runtime_error with its log's tail.
  RedisServer();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // "unix://FOLDER/redis.sock?stream=STREAM", the queue URL for RedisQueue.
  std::string url(const std::string& stream) const;
  std::filesystem::path socket_path() const { return folder_.path() / "redis.sock"; }
  bool running() const { return process_ && process_->running(); }

  // Stops it (SIGTERM: Redis writes its append-only file out first); nothing if stopped.
  void stop();
  // Starts it again on the same folder (stopping it first if it runs): the data is kept.
  void restart();

 private:
  void start();

  TempDir folder_{"pipectl-redis"};
  std::unique_ptr<DaemonProcess> process_;
};

}  // namespace pipectl::test
