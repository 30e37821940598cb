// --log FILE: one JSON line per request, written when its answer is chosen (before it is
// sent), so tests can count requests and check their parameters. The bearer token is never in
// it: the API layer redacts it from the path and query before an entry is made.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "api_parameters.hpp"

namespace fake_x_api {

struct LogEntry {
  std::chrono::system_clock::time_point time;
  long connection = 0;             // which connection (1, 2, ...): keep-alive reuse shows
  std::string method;
  std::string path;                // percent-decoded, without the query
  QueryParameters query;
  std::string endpoint = "other";  // endpoint_name(): "user", "tweets", "profile", "feed", ...
  std::optional<std::string> handle;
  long request_number = 0;         // the handle's n-th request at this endpoint (0: none)
  int status = 0;
  std::string fault;               // "" when none
  std::string auth = "none";       // "ok", "missing", "wrong", or "none" (not checked)
  std::uint64_t bytes = 0;         // the body's full length
};

class RequestLog {
 public:
  RequestLog() = default;  // writes nothing
  // Throws std::runtime_error when the file cannot be opened.
  explicit RequestLog(const std::filesystem::path& file);
  void write(const LogEntry& entry);

 private:
  std::ofstream out_;
};

}  // namespace fake_x_api
