// Faults chosen per handle from a JSON file (format: README.md): error statuses and broken
// bodies for the first k requests of a handle at an endpoint, slow and huge answers. Counters
// are per handle per endpoint, so "the first 2 requests fail, then it works" tests retries.
// The same file serves every network: a handle's account, posts and media endpoints.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "endpoint.hpp"

namespace fake_x_api {

// What is wrong with a response's body, if anything.
enum class BodyFault {
  none,
  drop,      // headers with the full Content-Length, half the body, then the connection closes
  truncate,  // valid HTTP whose body is the first half of the real one
  garbage,   // a body of junk bytes, with the real Content-Type
};

// The faults one request gets.
struct FaultChoice {
  long request_number = 0;         // 1 for the handle's first request at this endpoint
  std::optional<int> status;       // answer this HTTP error instead
  std::int64_t reset_epoch = 0;    // with status 429: the rate-limit reset, epoch seconds
  BodyFault body = BodyFault::none;
  long delay_ms = 0;               // before the headers
  long trickle_ms = 0;             // the body spread over this long
  std::uint64_t huge_bytes = 0;    // replace the body by one this big (streamed)
  bool huge_chunked = false;       // ... sent chunked, with no Content-Length
  std::string description;         // "status_500", "slow+drop", ...; empty: none
};

// A faults file that cannot be used; the message names the file, handle and key.
struct FaultsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Faults {
 public:
  Faults() = default;  // no faults at all
  // Throws FaultsError.
  static Faults load(const std::filesystem::path& file);
  static Faults parse(std::string_view json_text, const std::string& source);

  // The faults of the next request of `handle` (any case) at `endpoint`, at `now`; advances
  // that handle's counters.
  FaultChoice choose(std::string_view handle, Endpoint endpoint, std::chrono::system_clock::time_point now);

  // One counted fault: `count` requests get it (always when count < 0), after the requests of
  // the steps written before it.
  struct Step {
    std::string name;  // the key without its prefix: "status_500", "drop", ...
    std::optional<int> status;
    BodyFault body = BodyFault::none;
    long count = 0;
  };
  struct Plan {
    std::vector<Step> steps;
    long reset_after_s = 5;
    long slow_ms = 0, slow_count = -1;
    long trickle_ms = 0, trickle_count = -1;
    std::uint64_t huge_bytes = 0;
    long huge_count = -1;
    bool huge_chunked = false;
  };

 private:
  struct Counters {
    long requests = 0;
    long step_requests = 0;
    std::optional<std::int64_t> limited_until;  // a 429's reset, in epoch seconds
  };
  // By lower-case handle, then by FaultSet (a handle is of one network: its endpoints are the
  // account, the posts and the media).
  std::map<std::string, std::array<Plan, fault_set_count>> plans_;
  std::map<std::string, std::array<Counters, fault_set_count>> counters_;
};

}  // namespace fake_x_api
