#include "s3_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "paths.hpp"

namespace pipectl::test {

namespace fs = std::filesystem;

namespace {

// node, looked up on PATH as a shell would (DaemonProcess runs a path).
std::string node_program() {
  const char* path = std::getenv("PATH");
  std::stringstream folders(path ? path : "/usr/bin:/bin");
  for (std::string folder; std::getline(folders, folder, ':');)
    if (!folder.empty() && access((fs::path(folder) / "node").c_str(), X_OK) == 0) return (fs::path(folder) / "node").string();
  return {};
}

// Its script itself, not node_modules/.bin/s3rver: node runs it with no shell in between.
fs::path s3rver_script() { return source_dir() / "tests" / "s3-server" / "node_modules" / "s3rver" / "bin" / "s3rver.js"; }

// The port s3rver says it listens on ("S3rver listening on 127.0.0.1:PORT"); 0 before it has.
int announced_port(const fs::path& log) {
  std::ifstream in(log);
  const std::string mark = "listening on 127.0.0.1:";
  for (std::string line; std::getline(in, line);)
    if (auto at = line.find(mark); at != std::string::npos) return std::atoi(line.c_str() + at + mark.size());
  return 0;
}

bool accepts_connections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return connected;
}

}  // namespace

bool S3Server::available(std::string& why) {
  if (node_program().empty()) {
    why = "node is not on PATH (tools/setup installs nodejs and npm)";
    return false;
  }
  if (!fs::exists(s3rver_script())) {
    why = "s3rver is not installed in tests/s3-server/node_modules (tools/setup runs npm ci there)";
    return false;
  }
  return true;
}

S3Server::S3Server(const fs::path& folder, std::string bucket) : data_(folder / "data"), bucket_(std::move(bucket)) {
  if (fs::exists(folder) && !fs::is_empty(folder))
    throw std::runtime_error("S3Server needs a new or empty folder: " + folder.string() + " is not");
  fs::create_directories(data_);
  const fs::path log = folder / "s3rver.log";
  const auto started = std::chrono::steady_clock::now();
  // Port 0: the kernel picks a free one and s3rver says which, so no two tests can race for it.
  process_ = std::make_unique<DaemonProcess>(
      std::vector<std::string>{node_program(), s3rver_script().string(), "--directory", data_.string(), "--address",
                               "127.0.0.1", "--port", "0", "--configure-bucket", bucket_},
      log);
  const auto deadline = started + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline && process_->running()) {
    if (port_ == 0) port_ = announced_port(log);
    if (port_ != 0 && accepts_connections(port_)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  if (port_ == 0 || !process_->running() || !accepts_connections(port_)) {
    const std::string how = process_->stop();
    throw std::runtime_error("s3rver did not start (" + how + "):\n" + process_->log_tail());
  }
  startup_time_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
}

S3Server::~S3Server() = default;  // DaemonProcess stops it by PID

std::string S3Server::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::map<std::string, std::string> S3Server::environment() const {
  return {{"AWS_ENDPOINT_URL", endpoint()},
          {"AWS_ACCESS_KEY_ID", "S3RVER"},
          {"AWS_SECRET_ACCESS_KEY", "S3RVER"},
          {"AWS_REGION", "us-east-1"}};
}

fs::path S3Server::object_file(const std::string& key) const {
  return data_ / bucket_ / (key + "._S3rver_object");
}

}  // namespace pipectl::test
