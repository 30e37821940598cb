#include "redis_queue.hpp"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/un.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string_view>
#include <thread>

#include "backoff.hpp"

namespace pipectl::cli {

namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Queue URLs

constexpr std::string_view url_forms = "redis://HOST[:PORT]/STREAM or unix:///path/to/redis.sock?stream=STREAM";

// Problems quote nothing of the URL but a scheme or a parameter's name (few and plain characters):
// a mistyped URL may hold a password.
std::optional<QueueAddress> refuse(std::string& problem, std::string what) {
  problem = std::move(what);
  return std::nullopt;
}

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool all_of(std::string_view text, bool (*allowed)(char)) { return std::all_of(text.begin(), text.end(), allowed); }

// A stream name: one character set for both forms, so that display() always parses back.
bool stream_char(char c) { return is_ascii_alnum(c) || std::string_view("-_.:/{}").find(c) != std::string_view::npos; }
bool host_char(char c) { return is_ascii_alnum(c) || c == '-' || c == '.' || c == '_'; }
bool ipv6_char(char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; }
bool scheme_char(char c) { return is_ascii_alnum(c) || c == '+' || c == '-' || c == '.'; }
bool visible_char(char c) { return c > ' ' && c < 0x7f; }

std::optional<std::string> check_stream(std::string_view stream, const std::string& how) {
  if (stream.empty()) return "no stream named: " + how;
  if (!all_of(stream, stream_char))
    return std::string("the stream name may only have letters, digits and - _ . : / { }");
  return std::nullopt;
}

std::optional<QueueAddress> parse_tcp(std::string_view rest, std::string& problem) {
  const std::string how = "redis://HOST[:PORT]/STREAM";
  if (rest.find('@') != std::string_view::npos)
    return refuse(problem,
                  "a user or password in the queue URL is not supported (it would show in process lists and logs)");
  if (rest.find_first_of("?#") != std::string_view::npos)
    return refuse(problem, "a redis:// queue URL takes no ?query or #fragment: " + how);
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return refuse(problem, "no stream named: " + how);
  std::string_view authority = rest.substr(0, slash);
  QueueAddress address;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return refuse(problem, "an IPv6 host has no closing ]: redis://[::1]:6379/STREAM");
    address.host = authority.substr(1, close - 1);
    if (address.host.empty() || !all_of(address.host, ipv6_char))
      return refuse(problem, "not an IPv6 address between [ ]");
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return refuse(problem, "only :PORT may follow an IPv6 host's ]");
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
  } else {
    const std::size_t colon = authority.find(':');
    address.host = authority.substr(0, colon);
    has_port = colon != std::string_view::npos;
    if (has_port) port = authority.substr(colon + 1);
    if (address.host.empty()) return refuse(problem, "no host: " + how);
    if (!all_of(address.host, host_char))
      return refuse(problem, "the host may only have letters, digits and - . _ (IPv6: [::1])");
  }
  if (has_port) {
    const bool digits = !port.empty() && port.size() <= 5 && all_of(port, [](char c) { return c >= '0' && c <= '9'; });
    const int number = digits ? std::stoi(std::string(port)) : 0;
    if (number < 1 || number > 65535) return refuse(problem, "the port must be a number from 1 to 65535");
    address.port = number;
  }
  address.stream = rest.substr(slash + 1);
  if (auto bad = check_stream(address.stream, how)) return refuse(problem, *bad);
  return address;
}

std::optional<QueueAddress> parse_unix(std::string_view rest, std::string& problem) {
  const std::string how = "unix:///path/to/redis.sock?stream=STREAM";
  if (rest.empty() || rest.front() != '/')
    return refuse(problem, "the socket path must be absolute (three slashes): " + how);
  if (rest.find('#') != std::string_view::npos)
    return refuse(problem, "a unix:// queue URL takes no #fragment: " + how);
  const std::size_t question = rest.find('?');
  QueueAddress address;
  address.port = 0;
  address.socket_path = rest.substr(0, question);
  if (address.socket_path.size() >= sizeof(sockaddr_un::sun_path))
    return refuse(problem,
                  "the socket path is longer than " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes");
  if (address.socket_path.back() == '/') return refuse(problem, "the socket path names a folder, not a socket: " + how);
  if (question == std::string_view::npos) return refuse(problem, "no stream named: add ?stream=STREAM (" + how + ")");
  std::string_view query = rest.substr(question + 1);
  bool named = false;
  for (;;) {
    const std::size_t amp = query.find('&');
    std::string_view parameter = query.substr(0, amp);
    const std::size_t equals = parameter.find('=');
    std::string_view key = parameter.substr(0, equals);
    if (key != "stream") {
      const bool quotable = !key.empty() && key.size() <= 32 && all_of(key, is_ascii_alnum);
      return refuse(
          problem, (quotable ? "unknown parameter \"" + std::string(key) + "\"" : std::string("an unknown parameter")) +
                       ": the only one is stream (" + how + ")");
    }
    if (named) return refuse(problem, "the stream is named twice");
    named = true;
    address.stream = equals == std::string_view::npos ? std::string_view() : parameter.substr(equals + 1);
    if (auto bad = check_stream(address.stream, how)) return refuse(problem, *bad);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return address;
}

// ---------------------------------------------------------------------------------------------
// The connection

struct ReplyFree {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;
using Command = std::vector<std::string>;

struct Settings {
  const QueueAddress& address;
  milliseconds connect_timeout;
  milliseconds reconnect_for;
};

timeval to_timeval(milliseconds span) {
  span = std::max(span, milliseconds(1));  // {0, 0} would mean "no limit" to hiredis
  return timeval{static_cast<time_t>(span.count() / 1000), static_cast<suseconds_t>(span.count() % 1000 * 1000)};
}

std::string seconds_text(milliseconds span) {
  const auto tenths = (span.count() + 50) / 100;
  return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " s";
}

// What went wrong with a context, in words ("Connection refused", "no answer within 12 s").
std::string context_error(const redisContext* context, milliseconds timeout) {
  if (!context) return "out of memory";
  if (context->err == REDIS_ERR_EOF) return "the server closed the connection";
  if (context->err == REDIS_ERR_IO && std::string_view(context->errstr) == std::strerror(EAGAIN))
    return "no answer within " + seconds_text(timeout);  // the socket's receive timeout
  return context->errstr[0] ? context->errstr : "connection error";
}

redisContext* open_context(const QueueAddress& address, milliseconds timeout, std::string& error) {
  const timeval limit = to_timeval(timeout);
  redisContext* context = address.socket_path.empty()
                              ? redisConnectWithTimeout(address.host.c_str(), address.port, limit)
                              : redisConnectUnixWithTimeout(address.socket_path.c_str(), limit);
  if (context && !context->err) return context;
  error = context_error(context, timeout);
  if (context) redisFree(context);
  return nullptr;
}

// hiredis writes with write(2): on a connection the server has closed that raises SIGPIPE,
// whose default action ends the process. It is blocked in this thread for the time of an
// exchange, and one it raised is taken back before it is unblocked.
class SigpipeHeld {
 public:
  SigpipeHeld() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    already_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
  }
  ~SigpipeHeld() {
    sigset_t pending;
    sigpending(&pending);
    if (!already_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      const timespec now{};
      sigtimedwait(&pipe_, nullptr, &now);
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SigpipeHeld(const SigpipeHeld&) = delete;
  SigpipeHeld& operator=(const SigpipeHeld&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t previous_{};
  bool already_pending_ = false;
};

// Sends `commands` in one go (a pipeline) and reads their replies; nothing, with `error`
// set, when the connection failed (the context is then unusable).
std::optional<std::vector<Reply>> send(redisContext* context, const std::vector<Command>& commands,
                                       milliseconds timeout, std::string& error) {
  SigpipeHeld held;
  if (redisSetTimeout(context, to_timeval(timeout)) != REDIS_OK) {
    error = context_error(context, timeout);
    return std::nullopt;
  }
  for (const Command& command : commands) {
    std::vector<const char*> words;
    std::vector<std::size_t> lengths;
    for (const std::string& word : command) {
      words.push_back(word.data());
      lengths.push_back(word.size());
    }
    if (redisAppendCommandArgv(context, static_cast<int>(words.size()), words.data(), lengths.data()) != REDIS_OK) {
      error = context_error(context, timeout);
      return std::nullopt;
    }
  }
  std::vector<Reply> replies;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* reply = nullptr;
    if (redisGetReply(context, &reply) != REDIS_OK || !reply) {
      error = context_error(context, timeout);
      return std::nullopt;
    }
    replies.emplace_back(static_cast<redisReply*>(reply));
  }
  return replies;
}

// A server that has just started answers -LOADING until it has read its data back: as good
// as down for a moment, so waited for like a lost connection.
bool still_loading(const std::vector<Reply>& replies, std::string& error) {
  for (const Reply& reply : replies)
    if (reply->type == REDIS_REPLY_ERROR && std::string_view(reply->str, reply->len).starts_with("LOADING")) {
      error = std::string(reply->str, reply->len);
      return true;
    }
  return false;
}

// Runs `commands` on the connection, making it again with backoff when it fails (a server
// restarted, a connection dropped, a server still loading) and sending them again, until
// `reconnect_for` has passed since the first failure. A command may thus reach the server
// twice (its reply was lost): the queue is at-least-once anyway.
std::vector<Reply> exchange(redisContext*& context, const Settings& settings, const std::vector<Command>& commands,
                            milliseconds block = milliseconds(0)) {
  // Past this the server is taken as hung: longer than any blocking read asked for.
  const milliseconds reply_timeout = block + std::max(settings.connect_timeout, milliseconds(10000));
  const net::Backoff backoff{milliseconds(50), milliseconds(1000), std::numeric_limits<int>::max()};
  std::mt19937 random(std::random_device{}());
  std::optional<Clock::time_point> give_up;
  std::string error;
  for (int attempt = 1;; ++attempt) {
    if (!context) {
      const auto left =
          give_up ? std::chrono::duration_cast<milliseconds>(*give_up - Clock::now()) : settings.connect_timeout;
      context =
          open_context(settings.address, std::max(std::min(left, settings.connect_timeout), milliseconds(10)), error);
    }
    if (context) {
      if (auto replies = send(context, commands, reply_timeout, error)) {
        if (!still_loading(*replies, error)) return std::move(*replies);
      } else {
        redisFree(context);
        context = nullptr;
      }
    }
    if (!give_up) give_up = Clock::now() + settings.reconnect_for;
    const auto left = std::chrono::duration_cast<milliseconds>(*give_up - Clock::now());
    if (left <= milliseconds(0))
      throw QueueError("lost the connection to the queue " + settings.address.display() + " (" + error +
                       ") and could not make it again within " + seconds_text(settings.reconnect_for));
    std::this_thread::sleep_for(std::min(backoff.delay(attempt, random), left));
  }
}

// ---------------------------------------------------------------------------------------------
// Replies

[[noreturn]] void unexpected(const QueueAddress& address, const std::string& command) {
  throw QueueError("unexpected reply to " + command + " from the queue " + address.display());
}

// Throws Redis' own message when `reply` is an error.
const redisReply& checked(const Reply& reply, const QueueAddress& address, const std::string& command) {
  if (reply->type == REDIS_REPLY_ERROR)
    throw QueueError("the queue " + address.display() + " refused " + command + ": " +
                     std::string(reply->str, reply->len));
  return *reply;
}

std::string text(const redisReply* reply, const QueueAddress& address, const std::string& command) {
  if (!reply || (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS)) unexpected(address, command);
  return std::string(reply->str, reply->len);
}

std::int64_t integer(const redisReply* reply, const QueueAddress& address, const std::string& command) {
  if (!reply || reply->type != REDIS_REPLY_INTEGER) unexpected(address, command);
  return reply->integer;
}

bool is_array(const redisReply* reply) { return reply && reply->type == REDIS_REPLY_ARRAY; }

// One stream entry, [id, [field, value, ...]]; an entry deleted while pending has nil fields.
struct ParsedEntry {
  StreamEntry entry;
  bool deleted = false;
};

ParsedEntry parse_entry(const redisReply* reply, const QueueAddress& address, const std::string& command) {
  if (!is_array(reply) || reply->elements != 2) unexpected(address, command);
  ParsedEntry parsed;
  parsed.entry.id = text(reply->element[0], address, command);
  const redisReply* fields = reply->element[1];
  if (!fields || fields->type == REDIS_REPLY_NIL) {
    parsed.deleted = true;
    return parsed;
  }
  if (!is_array(fields) || fields->elements % 2 != 0) unexpected(address, command);
  for (std::size_t i = 0; i < fields->elements; i += 2)
    parsed.entry.fields[text(fields->element[i], address, command)] = text(fields->element[i + 1], address, command);
  return parsed;
}

// XREAD and XREADGROUP: nil (nothing came) or [[stream, [entry, ...]]].
std::vector<StreamEntry> parse_read(const redisReply& reply, const QueueAddress& address, const std::string& command) {
  std::vector<StreamEntry> entries;
  if (reply.type == REDIS_REPLY_NIL) return entries;
  if (!is_array(&reply)) unexpected(address, command);
  for (std::size_t s = 0; s < reply.elements; ++s) {
    const redisReply* stream = reply.element[s];
    if (!is_array(stream) || stream->elements != 2 || !is_array(stream->element[1])) unexpected(address, command);
    for (std::size_t e = 0; e < stream->element[1]->elements; ++e) {
      ParsedEntry parsed = parse_entry(stream->element[1]->element[e], address, command);
      if (!parsed.deleted) entries.push_back(std::move(parsed.entry));
    }
  }
  return entries;
}

std::string count_text(std::size_t count) { return std::to_string(std::max<std::size_t>(count, 1)); }

}  // namespace

std::string QueueAddress::display() const {
  if (!socket_path.empty()) return "unix://" + socket_path + "?stream=" + stream;
  const bool ipv6 = host.find(':') != std::string::npos;
  return "redis://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" + stream;
}

std::optional<QueueAddress> parse_queue_url(const std::string& url, std::string& problem) {
  const std::string use = std::string("use ") + std::string(url_forms);
  if (url.empty()) return refuse(problem, "the queue URL is empty: " + use);
  if (!all_of(url, visible_char))
    return refuse(problem, "the queue URL has a space, a control or a non-ASCII character");
  const std::size_t separator = url.find("://");
  const std::string_view scheme = std::string_view(url).substr(0, separator);
  if (separator == std::string::npos || scheme.empty() || scheme.size() > 16 || !all_of(scheme, scheme_char))
    return refuse(problem, "not a queue URL: " + use);
  const std::string_view rest = std::string_view(url).substr(separator + 3);
  if (scheme == "redis") return parse_tcp(rest, problem);
  if (scheme == "unix") return parse_unix(rest, problem);
  if (scheme == "rediss") return refuse(problem, "TLS (rediss://) is not supported: " + use);
  return refuse(problem, "unknown scheme \"" + std::string(scheme) + "\": " + use);
}

RedisQueue::RedisQueue(QueueAddress address, milliseconds connect_timeout, milliseconds reconnect_for)
    : address_(std::move(address)), connect_timeout_(connect_timeout), reconnect_for_(reconnect_for) {
  const std::string what = "cannot connect to the queue " + address_.display() + ": ";
  std::string error;
  context_ = open_context(address_, connect_timeout_, error);
  if (!context_) throw QueueError(what + error);
  // Something listens there: it must answer PING as Redis does.
  auto replies = send(context_, {{"PING"}}, connect_timeout_, error);
  std::string answer = replies ? "" : error;
  const redisReply* pong = replies ? replies->front().get() : nullptr;
  if (pong && (pong->type == REDIS_REPLY_ERROR || pong->type == REDIS_REPLY_STATUS))
    answer.assign(pong->str, pong->len);
  if (answer != "PONG") {
    redisFree(context_);
    context_ = nullptr;
    throw QueueError(what + (answer.empty() ? "not a Redis server" : answer));
  }
}

RedisQueue::~RedisQueue() {
  if (context_) redisFree(context_);
}

std::string RedisQueue::add(const std::string& stream, const Fields& fields, std::optional<std::size_t> max_length) {
  Command command{"XADD", stream};
  if (max_length) command.insert(command.end(), {"MAXLEN", "~", std::to_string(*max_length)});
  command.push_back("*");
  for (const auto& [field, value] : fields) command.insert(command.end(), {field, value});
  auto replies = exchange(context_, {address_, connect_timeout_, reconnect_for_}, {command});
  return text(&checked(replies[0], address_, "XADD"), address_, "XADD");
}

void RedisQueue::ensure_group(const std::string& stream, const std::string& group) {
  auto replies = exchange(context_, {address_, connect_timeout_, reconnect_for_},
                          {{"XGROUP", "CREATE", stream, group, "0", "MKSTREAM"}});
  const redisReply& reply = *replies[0];
  if (reply.type == REDIS_REPLY_ERROR && std::string_view(reply.str, reply.len).starts_with("BUSYGROUP")) return;
  checked(replies[0], address_, "XGROUP CREATE");
}

std::vector<StreamEntry> RedisQueue::read_group(const std::string& stream, const std::string& group,
                                                const std::string& consumer, std::size_t count, milliseconds block) {
  Command command{"XREADGROUP", "GROUP", group, consumer, "COUNT", count_text(count)};
  // BLOCK 0 would wait for ever: "do not block" is no BLOCK at all.
  if (block > milliseconds(0)) command.insert(command.end(), {"BLOCK", std::to_string(block.count())});
  command.insert(command.end(), {"STREAMS", stream, ">"});
  auto replies = exchange(context_, {address_, connect_timeout_, reconnect_for_}, {command}, block);
  return parse_read(checked(replies[0], address_, "XREADGROUP"), address_, "XREADGROUP");
}

std::vector<StreamEntry> RedisQueue::autoclaim(const std::string& stream, const std::string& group,
                                               const std::string& consumer, milliseconds min_idle, std::size_t count) {
  const Settings settings{address_, connect_timeout_, reconnect_for_};
  auto replies = exchange(
      context_, settings,
      {{"XAUTOCLAIM", stream, group, consumer, std::to_string(min_idle.count()), "0-0", "COUNT", count_text(count)}});
  const redisReply& reply = checked(replies[0], address_, "XAUTOCLAIM");
  // Redis 7: [next, entries, deleted ids]; 6.2: [next, entries], a deleted entry's fields nil.
  if (!is_array(&reply) || reply.elements < 2 || !is_array(reply.element[1])) unexpected(address_, "XAUTOCLAIM");
  std::vector<StreamEntry> claimed;
  Command ack{"XACK", stream, group};
  for (std::size_t i = 0; i < reply.element[1]->elements; ++i) {
    const redisReply* element = reply.element[1]->element[i];
    if (!element || element->type == REDIS_REPLY_NIL) continue;  // no id left to acknowledge
    ParsedEntry parsed = parse_entry(element, address_, "XAUTOCLAIM");
    if (parsed.deleted)
      ack.push_back(parsed.entry.id);
    else
      claimed.push_back(std::move(parsed.entry));
  }
  if (reply.elements >= 3 && is_array(reply.element[2]))
    for (std::size_t i = 0; i < reply.element[2]->elements; ++i)
      ack.push_back(text(reply.element[2]->element[i], address_, "XAUTOCLAIM"));
  // Deleted entries: Redis 7 has dropped them from the pending list already; 6.2 has not.
  std::vector<Command> commands;
  if (ack.size() > 3) commands.push_back(ack);
  // Each claimed entry's delivery count, which XAUTOCLAIM raised: XPENDING over just its id.
  for (const StreamEntry& entry : claimed) commands.push_back({"XPENDING", stream, group, entry.id, entry.id, "1"});
  if (commands.empty()) return claimed;
  auto answers = exchange(context_, settings, commands);
  const std::size_t first_pending = ack.size() > 3 ? 1 : 0;
  if (first_pending) checked(answers[0], address_, "XACK");
  for (std::size_t i = 0; i < claimed.size(); ++i) {
    const redisReply& pending = checked(answers[first_pending + i], address_, "XPENDING");
    if (!is_array(&pending)) unexpected(address_, "XPENDING");
    // [[id, consumer, idle ms, deliveries]]; empty if it was acknowledged meanwhile.
    if (pending.elements == 1 && is_array(pending.element[0]) && pending.element[0]->elements == 4)
      claimed[i].deliveries = integer(pending.element[0]->element[3], address_, "XPENDING");
  }
  return claimed;
}

void RedisQueue::touch(const std::string& stream, const std::string& group, const std::string& consumer,
                       const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  Command command{"XCLAIM", stream, group, consumer, "0"};
  command.insert(command.end(), ids.begin(), ids.end());
  command.push_back("JUSTID");
  auto replies = exchange(context_, {address_, connect_timeout_, reconnect_for_}, {command});
  checked(replies[0], address_, "XCLAIM");
}

void RedisQueue::ack(const std::string& stream, const std::string& group, const std::string& id) {
  auto replies = exchange(context_, {address_, connect_timeout_, reconnect_for_}, {{"XACK", stream, group, id}});
  checked(replies[0], address_, "XACK");
}

std::string RedisQueue::move(const std::string& stream, const std::string& group, const std::string& id,
                             const std::string& to_stream, const Fields& fields) {
  Command add{"XADD", to_stream, "*"};
  for (const auto& [field, value] : fields) add.insert(add.end(), {field, value});
  auto replies = exchange(context_, {address_, connect_timeout_, reconnect_for_},
                          {{"MULTI"}, add, {"XACK", stream, group, id}, {"EXEC"}});
  // A command refused while queued shows here, and EXEC then refuses the whole transaction.
  for (std::size_t i = 0; i < 3; ++i) checked(replies[i], address_, i == 0 ? "MULTI" : i == 1 ? "XADD" : "XACK");
  const redisReply& done = checked(replies[3], address_, "EXEC");
  if (!is_array(&done) || done.elements != 2) unexpected(address_, "EXEC");
  if (done.element[0]->type == REDIS_REPLY_ERROR || done.element[1]->type == REDIS_REPLY_ERROR)
    throw QueueError("the queue " + address_.display() + " refused to move " + id + ": " +
                     (done.element[0]->type == REDIS_REPLY_ERROR ? done.element[0]->str : done.element[1]->str));
  return text(done.element[0], address_, "XADD");
}

std::vector<StreamEntry> RedisQueue::read(const std::string& stream, const std::string& after, std::size_t count,
                                          milliseconds block) {
  Command command{"XREAD", "COUNT", count_text(count)};
  if (block > milliseconds(0)) command.insert(command.end(), {"BLOCK", std::to_string(block.count())});
  command.insert(command.end(), {"STREAMS", stream, after});
  auto replies = exchange(context_, {address_, connect_timeout_, reconnect_for_}, {command}, block);
  return parse_read(checked(replies[0], address_, "XREAD"), address_, "XREAD");
}

GroupInfo RedisQueue::group_info(const std::string& stream, const std::string& group) {
  auto replies = exchange(context_, {address_, connect_timeout_, reconnect_for_}, {{"XINFO", "GROUPS", stream}});
  const redisReply& reply = *replies[0];
  if (reply.type == REDIS_REPLY_ERROR &&
      std::string_view(reply.str, reply.len).find("no such key") != std::string_view::npos)
    return {};
  checked(replies[0], address_, "XINFO GROUPS");
  if (!is_array(&reply)) unexpected(address_, "XINFO GROUPS");
  for (std::size_t g = 0; g < reply.elements; ++g) {
    const redisReply* entry = reply.element[g];
    if (!is_array(entry) || entry->elements % 2 != 0) unexpected(address_, "XINFO GROUPS");
    std::map<std::string, const redisReply*> values;  // name, consumers, pending, lag...
    for (std::size_t i = 0; i < entry->elements; i += 2)
      values[text(entry->element[i], address_, "XINFO GROUPS")] = entry->element[i + 1];
    if (!values.count("name") || text(values["name"], address_, "XINFO GROUPS") != group) continue;
    GroupInfo info;
    info.consumers = integer(values["consumers"], address_, "XINFO GROUPS");
    info.pending = integer(values["pending"], address_, "XINFO GROUPS");
    // Redis 7 has lag (nil when it cannot tell, after deletions); 6.2 has none.
    if (auto lag = values.find("lag"); lag != values.end() && lag->second->type == REDIS_REPLY_INTEGER)
      info.lag = lag->second->integer;
    return info;
  }
  return {};
}

std::int64_t RedisQueue::length(const std::string& stream) {
  auto replies = exchange(context_, {address_, connect_timeout_, reconnect_for_}, {{"XLEN", stream}});
  return integer(&checked(replies[0], address_, "XLEN"), address_, "XLEN");
}

}  // namespace pipectl::cli
