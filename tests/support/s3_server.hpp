// A real S3-compatible server for a test: s3rver (npm, installed under tests/s3-server by
// tools/setup; nothing is downloaded here) run by node in the foreground as the test's child, on
// 127.0.0.1 and a port the kernel picks, its data in a folder the test owns, one bucket made at
// start, stopped by PID when the object goes away.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "daemon_process.hpp"

namespace pipectl::test {

class S3Server {
 public:
  // Whether node and the installed s3rver are there; if not, `why` says what is missing (the
  // test then SKIPs, saying so).
  static bool available(std::string& why);

  // Starts s3rver with its data and log in `folder` (new or empty) and the bucket `bucket`.
  // Returns once it answers; throws std::runtime_error with its log if it does not within 20 s.
  explicit S3Server(const std::filesystem::path& folder, std::string bucket = "pipectl-test");
  ~S3Server();
  S3Server(const S3Server&) = delete;
  S3Server& operator=(const S3Server&) = delete;

  int port() const { return port_; }
  const std::string& bucket() const { return bucket_; }
  std::string endpoint() const;  // http://127.0.0.1:PORT
  // What S3Settings are read from: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID and
  // AWS_SECRET_ACCESS_KEY (s3rver's fixed S3RVER / S3RVER), AWS_REGION.
  std::map<std::string, std::string> environment() const;
  // The file in which s3rver keeps the bytes of the object `key` (it need not exist).
  std::filesystem::path object_file(const std::string& key) const;
  // How long it took to answer, for the report.
  std::chrono::milliseconds startup_time() const { return startup_time_; }

 private:
  std::filesystem::path data_;
  std::string bucket_;
  int port_ = 0;
  std::chrono::milliseconds startup_time_{0};
  std::unique_ptr<DaemonProcess> process_;
};

}  // namespace pipectl::test
