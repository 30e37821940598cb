// fake-x-api's command line: what to serve, where, and how (see --help and README.md).
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace fake_x_api {

struct Options {
  std::vector<std::filesystem::path> data;  // --data, repeatable: stored datasets, the first wins
  std::string bind = "127.0.0.1";
  unsigned short port = 0;                   // 0: any free port
  std::optional<std::string> token;          // --token: required as "Authorization: Bearer T"
  std::optional<std::filesystem::path> faults;
  long rate_limit = 100000;                  // requests per window per endpoint
  long rate_window_seconds = 15 * 60;
  std::optional<std::filesystem::path> log;
  std::optional<std::filesystem::path> tls_cert;
  std::optional<std::filesystem::path> tls_key;
  bool help = false;
};

// A mistake on the command line; its message is meant for the person who typed it.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws UsageError.
Options parse_options(int argc, char** argv);

std::string help_text();

}  // namespace fake_x_api
