// The queue URL parser (tools/pipectl/redis_queue: parse_queue_url), which reads --queue as a
// user typed it. Input: the URL. What it accepts must show (display()) as a URL that parses
// back to the same address; what it refuses must say why, and never repeat a userinfo part.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "redis_queue.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl::cli;
  const std::string url(pipectl::fuzz::as_text(data, size));
  std::string problem;
  auto address = parse_queue_url(url, problem);
  if (!address) {
    if (problem.empty()) __builtin_trap();
    // A password would sit between "://USER:" and '@'. One the fuzzer may tell apart from the
    // problems' own words (letters and digits, both, 8 or more) must not be quoted.
    const std::size_t scheme_end = url.find("://");
    const std::size_t at = url.find('@');
    if (scheme_end != std::string::npos && at != std::string::npos && at > scheme_end) {
      const std::string userinfo = url.substr(scheme_end + 3, at - scheme_end - 3);
      const std::size_t colon = userinfo.find(':');
      const std::string password = colon == std::string::npos ? "" : userinfo.substr(colon + 1);
      const bool alnum = std::all_of(password.begin(), password.end(), [](unsigned char c) { return std::isalnum(c); });
      const bool digit = std::any_of(password.begin(), password.end(), [](unsigned char c) { return std::isdigit(c); });
      const bool letter =
          std::any_of(password.begin(), password.end(), [](unsigned char c) { return std::isalpha(c); });
      const bool in_scheme =
          url.substr(0, scheme_end).find(password) != std::string::npos;  // an unknown scheme is named
      if (password.size() >= 8 && alnum && digit && letter && !in_scheme && problem.find(password) != std::string::npos)
        __builtin_trap();
    }
    return 0;
  }
  if (address->stream.empty() || (address->host.empty() == address->socket_path.empty())) __builtin_trap();
  if (!address->host.empty() && (address->port < 1 || address->port > 65535)) __builtin_trap();
  std::string again_problem;
  auto again = parse_queue_url(address->display(), again_problem);
  if (!again || again->host != address->host || again->port != address->port ||
      again->socket_path != address->socket_path || again->stream != address->stream ||
      again->display() != address->display())
    __builtin_trap();
  return 0;
}
