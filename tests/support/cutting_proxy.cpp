#include "cutting_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace pipectl::test {

namespace {

constexpr int poll_ms = 50;  // how soon a relay or the acceptor notices the proxy stopping

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

std::string lower_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The Content-Length of a request head that ends with CRLF (0 when it has none).
std::uint64_t content_length(const std::string& head) {
  const std::string lower = lower_case(head), name = "\r\ncontent-length:";
  const std::size_t at = lower.find(name);
  return at == std::string::npos ? 0 : std::strtoull(lower.c_str() + at + name.size(), nullptr, 10);
}

bool expects_continue(const std::string& head) { return lower_case(head).find("\r\nexpect: 100-continue") != std::string::npos; }

}  // namespace

CuttingProxy::CuttingProxy(int upstream_port, int cuts, std::size_t cut_after)
    : upstream_port_(upstream_port), cut_after_(cut_after), cuts_left_(cuts) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback(0);
  socklen_t size = sizeof address;
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 || listen(listener_, 64) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    if (listener_ >= 0) close(listener_);
    throw std::runtime_error("CuttingProxy: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_connections(); });
}

CuttingProxy::~CuttingProxy() {
  stopping_ = true;
  acceptor_.join();
  close(listener_);
  std::vector<std::thread> relays;
  {
    std::lock_guard lock(mutex_);
    relays.swap(relays_);
  }
  for (auto& relay : relays) relay.join();
}

std::string CuttingProxy::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

int CuttingProxy::cuts_made() const {
  std::lock_guard lock(mutex_);
  return cuts_made_;
}

std::vector<std::string> CuttingProxy::request_lines() const {
  std::vector<std::string> lines;
  for (const auto& head : request_heads()) lines.push_back(head.substr(0, head.find("\r\n")));
  return lines;
}

std::vector<std::string> CuttingProxy::request_heads() const {
  std::lock_guard lock(mutex_);
  return request_heads_;
}

bool CuttingProxy::take_cut() {
  std::lock_guard lock(mutex_);
  if (cuts_left_ == 0) return false;
  if (cuts_left_ > 0) --cuts_left_;
  ++cuts_made_;
  return true;
}

void CuttingProxy::record(const std::string& head) {
  std::lock_guard lock(mutex_);
  request_heads_.push_back(head);
}

void CuttingProxy::accept_connections() {
  while (!stopping_) {
    pollfd ready{listener_, POLLIN, 0};
    if (poll(&ready, 1, poll_ms) <= 0) continue;
    const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::lock_guard lock(mutex_);
    relays_.emplace_back([this, client] { relay(client); });
  }
}

void CuttingProxy::relay(int client) {
  const int upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback(upstream_port_);
  if (upstream < 0 || connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (upstream >= 0) close(upstream);
    close(client);
    return;
  }
  // Where the client's bytes are in the current request: its head, then its body.
  std::string head;
  bool in_body = false, cutting = false;
  std::uint64_t body_left = 0, cut_left = 0;
  char buffer[1 << 16];
  for (bool open = true; open && !stopping_;) {
    pollfd ready[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    if (poll(ready, 2, poll_ms) <= 0) continue;
    if (ready[1].revents) {  // the server's answer goes back as it is
      const ssize_t got = recv(upstream, buffer, sizeof buffer, 0);
      open = got > 0 && send_all(client, std::string_view(buffer, static_cast<std::size_t>(got)));
    }
    if (!open || !ready[0].revents) continue;
    const ssize_t got = recv(client, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    std::string_view data(buffer, static_cast<std::size_t>(got));
    std::string out;
    while (open && !data.empty()) {
      if (!in_body) {
        const std::size_t before = head.size();
        head.append(data);
        const std::size_t end = head.find("\r\n\r\n");
        if (end == std::string::npos) break;  // the rest of the head is still to come
        data.remove_prefix(end + 4 - before);
        const std::string request_head = head.substr(0, end);
        head.clear();
        record(request_head);
        body_left = content_length(request_head + "\r\n");
        in_body = body_left > 0;
        cutting = body_left > cut_after_ && take_cut();
        cut_left = cut_after_;
        if (!cutting) {
          out += request_head + "\r\n\r\n";
        } else {
          // The server never hears of it; the client is told to go on as the server would.
          if (expects_continue(request_head)) open = send_all(client, "HTTP/1.1 100 Continue\r\n\r\n");
          if (cut_left == 0) open = false;
        }
      } else if (cutting) {
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), cut_left));
        data.remove_prefix(take);
        cut_left -= take;
        if (cut_left == 0) open = false;  // the cut: both connections close
      } else {
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), body_left));
        out += data.substr(0, take);
        data.remove_prefix(take);
        body_left -= take;
        in_body = body_left > 0;
      }
    }
    if (!send_all(upstream, out)) open = false;
  }
  close(upstream);
  close(client);
}

}  // namespace pipectl::test
