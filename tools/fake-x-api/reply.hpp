// One answer as the connection is to send it: status, headers, body, and how to deliver it
// (late, slowly, cut off, or as a huge body streamed from a few bytes of description).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fake_x_api {

struct Reply {
  int status = 200;
  // Besides Content-Length or Transfer-Encoding, Date, Server and Connection, which the
  // connection writes.
  std::vector<std::pair<std::string, std::string>> headers;
  // The body is `body`, then `filler_bytes` copies of `filler`, then `suffix`: a huge body
  // costs no memory.
  std::string body;
  std::uint64_t filler_bytes = 0;
  char filler = ' ';
  std::string suffix;

  bool chunked = false;        // Transfer-Encoding: chunked instead of Content-Length
  bool drop_mid_body = false;  // close the connection after half of the body
  long delay_ms = 0;           // wait before sending the headers
  long trickle_ms = 0;         // spread the body over this long

  std::uint64_t size() const { return body.size() + filler_bytes + suffix.size(); }
  void set(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }

  // Keeps the first `size` bytes of the body.
  void cut_to(std::uint64_t size) {
    if (size <= body.size()) {
      body.resize(size);
      filler_bytes = 0;
      suffix.clear();
    } else if (size <= body.size() + filler_bytes) {
      filler_bytes = size - body.size();
      suffix.clear();
    } else {
      suffix.resize(size - body.size() - filler_bytes);
    }
  }
};

// The content types the APIs answer with.
inline constexpr const char* json_type = "application/json; charset=utf-8";
inline constexpr const char* problem_type = "application/problem+json";  // X's HTTP errors

inline Reply typed_reply(int status, const char* content_type, std::string body) {
  Reply reply;
  reply.status = status;
  reply.set("Content-Type", content_type);
  reply.body = std::move(body);
  return reply;
}

inline Reply json_reply(int status, std::string body) { return typed_reply(status, json_type, std::move(body)); }

inline Reply text_reply(int status, std::string text) {
  return typed_reply(status, "text/plain; charset=utf-8", std::move(text));
}

}  // namespace fake_x_api
