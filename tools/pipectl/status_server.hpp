// The status page of `pipectl run`: an HTTP server on a thread of its own that serves the page,
// /status.json and the finished videos, all read from the run's RunBoard.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace pipectl::cli {

class RunBoard;

class StatusServer {
 public:
  // Listens on bind_address (an IPv4 or IPv6 address, not a host name) and port (0: any free
  // port) and starts serving. Throws std::runtime_error naming the address and port when the
  // address is not an IP address or the server cannot listen there. The board must outlive
  // the server.
  StatusServer(const std::string& bind_address, unsigned short port, const RunBoard& board);
  // Stops serving (open connections are dropped) and joins the server's thread.
  ~StatusServer();
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  // The port listened on: the one given, or the one the system chose for port 0.
  unsigned short port() const;
  // "http://127.0.0.1:8080/", "http://[::1]:8080/". For 0.0.0.0 and :: (every address), the
  // loopback address, which a browser on this machine can open.
  std::string url() const;

  // Runs `action` (a fork) while the server's thread is parked between two handlers, so that
  // the child cannot inherit a lock that thread held inside the allocator: glibc's malloc is
  // fork-safe, ASan's in GCC 12 is not (a child forked while the page was being served hung
  // for ever on an allocator lock). If the thread does not park within a second, `action` runs
  // anyway.
  void run_paused(const std::function<void()>& action);

 private:
  struct Serving;  // the io_context, acceptor and thread (status_server.cpp)
  std::unique_ptr<Serving> serving_;
};

// Starts `server` for `board` when port >= 0 and prints "status page: URL" first; on failure
// prints "pipectl COMMAND: --status-port: why" and returns false. Port -1: no page, true.
bool start_status_page(std::optional<StatusServer>& server, const std::string& bind_address, int port,
                       const RunBoard& board, const std::string& command);

}  // namespace pipectl::cli
