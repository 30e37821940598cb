// The job queue's connection to Redis (hiredis): Streams with one consumer group, as
// `pipectl enqueue`, `pipectl worker` and `pipectl status --queue` use them. No queue logic of
// our own beyond what consumer groups give: XADD, XREADGROUP, XACK, XAUTOCLAIM, XCLAIM JUSTID
// (to keep a long job's idle time low), XPENDING (delivery counts), XINFO GROUPS (lag).
// A lost connection is made again with backoff (net::Backoff) inside each call, for up to
// `reconnect_for`; past that the call throws QueueError. Nothing here prints.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

struct redisContext;

namespace pipectl::cli {

// Where the queue is: redis://HOST[:PORT]/STREAM or unix:///path/to/redis.sock?stream=STREAM.
struct QueueAddress {
  std::string host;         // TCP host ("" for a unix socket)
  int port = 6379;
  std::string socket_path;  // unix socket ("" for TCP)
  std::string stream;       // the jobs stream; events go to STREAM:events, dead letters to STREAM:dead
  // The address as a user wrote it, for messages ("redis://127.0.0.1:6379/jobs").
  std::string display() const;
};

// Parses a queue URL; nothing, with `problem` saying what is wrong, when it is not one.
std::optional<QueueAddress> parse_queue_url(const std::string& url, std::string& problem);

struct QueueError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Fields = std::vector<std::pair<std::string, std::string>>;

struct StreamEntry {
  std::string id;                              // "1700000000000-0"
  std::map<std::string, std::string> fields;
  std::int64_t deliveries = 1;                 // times delivered to a consumer (XPENDING), for read_group/autoclaim
};

struct GroupInfo {
  std::int64_t pending = 0;                    // delivered, not acknowledged
  std::optional<std::int64_t> lag;             // entries not yet delivered to the group (Redis 7); nothing when unknown
  std::int64_t consumers = 0;
};

class RedisQueue {
 public:
  // Connects; throws QueueError naming the address when it cannot (refused, no such socket,
  // not a Redis server) within `connect_timeout`.
  explicit RedisQueue(QueueAddress address, std::chrono::milliseconds connect_timeout = std::chrono::seconds(2),
                      std::chrono::milliseconds reconnect_for = std::chrono::seconds(60));
  ~RedisQueue();
  RedisQueue(const RedisQueue&) = delete;
  RedisQueue& operator=(const RedisQueue&) = delete;

  const QueueAddress& address() const { return address_; }

  // XADD stream * fields... (with MAXLEN ~ max_length when given); returns the new id.
  std::string add(const std::string& stream, const Fields& fields, std::optional<std::size_t> max_length = {});
  // XGROUP CREATE stream group 0 MKSTREAM; a group that exists already is fine.
  void ensure_group(const std::string& stream, const std::string& group);
  // XREADGROUP GROUP group consumer COUNT count BLOCK block STREAMS stream >  (block 0: do not block)
  // Each entry's deliveries is 1 (new to the group).
  std::vector<StreamEntry> read_group(const std::string& stream, const std::string& group, const std::string& consumer,
                                      std::size_t count, std::chrono::milliseconds block);
  // XAUTOCLAIM stream group consumer min_idle 0-0 COUNT count: entries idle longer than
  // min_idle become this consumer's; each with its delivery count after the claim (XPENDING).
  // Entries deleted from the stream while pending are acknowledged and left out.
  std::vector<StreamEntry> autoclaim(const std::string& stream, const std::string& group, const std::string& consumer,
                                     std::chrono::milliseconds min_idle, std::size_t count);
  // XCLAIM stream group consumer 0 ids... JUSTID: resets the entries' idle time (a live job is
  // not claimed by others) without raising their delivery count.
  void touch(const std::string& stream, const std::string& group, const std::string& consumer,
             const std::vector<std::string>& ids);
  // XACK stream group id.
  void ack(const std::string& stream, const std::string& group, const std::string& id);
  // MULTI; XADD to_stream * fields; XACK stream group id; EXEC: moves a job (dead letters)
  // atomically, so it is never in both or neither.
  std::string move(const std::string& stream, const std::string& group, const std::string& id,
                   const std::string& to_stream, const Fields& fields);
  // XREAD COUNT count BLOCK block STREAMS stream after (after "0": from the start; block 0: do not block).
  std::vector<StreamEntry> read(const std::string& stream, const std::string& after, std::size_t count,
                                std::chrono::milliseconds block);
  // XINFO GROUPS stream, the named group's counts (zeros when the stream or group does not exist).
  GroupInfo group_info(const std::string& stream, const std::string& group);
  // XLEN stream.
  std::int64_t length(const std::string& stream);

 private:
  QueueAddress address_;
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds reconnect_for_;
  redisContext* context_ = nullptr;
};

}  // namespace pipectl::cli
