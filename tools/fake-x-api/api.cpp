// The answer to a request: parse the target, route it to its network (X, Bluesky, Mastodon)
// or to the media files, add the rate-limit headers, log it. Also the steps every route
// shares: the rate limit, the stored answer, and last the faults the file gives the handle.
#include "api.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/json.hpp>

#include "media_urls.hpp"
#include "network_replies.hpp"

namespace fake_x_api {

namespace {

// Junk instead of a body: HTML, a NUL, bytes that are not UTF-8, a JSON start that goes nowhere.
constexpr char garbage_text[] = "<html><body>upstream error</body></html>\0\xff\xfe\x80{\"data\":[{\"id\":";
const std::string garbage_bytes(garbage_text, sizeof garbage_text - 1);

std::string reason(int status) {
  auto text = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  return std::string(text.data(), text.size());
}

const char* media_type(const std::string& file) {
  auto ends_with = [&file](std::string_view suffix) {
    return file.size() >= suffix.size() && lower_case(file.substr(file.size() - suffix.size())) == suffix;
  };
  if (ends_with(".jpg") || ends_with(".jpeg")) return "image/jpeg";
  if (ends_with(".png")) return "image/png";
  if (ends_with(".webp")) return "image/webp";
  if (ends_with(".gif")) return "image/gif";
  if (ends_with(".mp4")) return "video/mp4";
  return "application/octet-stream";
}

// A stored error payload, {"error": ...} (a taken-down or suspended account, a blocked feed),
// is served with the status its network sends it with: 400 for Bluesky's XRPC errors, 404 for
// Mastodon's. X sends its error payloads with HTTP 200.
int stored_status(Network network, std::string_view text) {
  if (network == Network::x) return 200;
  boost::json::error_code error;
  boost::json::value document = boost::json::parse(text, error);
  const boost::json::value* name = !error && document.is_object() ? document.get_object().if_contains("error") : nullptr;
  if (!name || !name->is_string()) return 200;
  return network == Network::bluesky ? 400 : 404;
}

bool is_json(const Reply& reply) {
  for (const auto& [name, value] : reply.headers)
    if (name == "Content-Type") return value.rfind("application/json", 0) == 0;
  return false;
}

}  // namespace

std::vector<std::string> path_segments(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t at = 1;
  while (at <= path.size()) {
    std::size_t end = path.find('/', at);
    if (end == std::string::npos) end = path.size();
    parts.push_back(path.substr(at, end - at));
    at = end + 1;
  }
  return parts;
}

Api::Api(const Dataset& dataset, Faults faults, RateLimits limits, ApiSettings settings, RequestLog& log)
    : dataset_(dataset), faults_(std::move(faults)), limits_(limits), settings_(std::move(settings)), log_(log) {}

std::string Api::redacted(std::string text) const {
  if (!settings_.token) return text;
  for (std::size_t at = text.find(*settings_.token); at != std::string::npos; at = text.find(*settings_.token, at))
    text.replace(at, settings_.token->size(), "[token]");
  return text;
}

Reply Api::answer(const Request& request) {
  Context context{request, std::chrono::system_clock::now(), {}, {}, Endpoint::other, Network::x, std::nullopt};
  context.entry.time = context.now;
  context.entry.connection = request.connection;
  context.entry.method = request.method;
  Reply reply;
  if (auto target = parse_target(request.target)) {
    context.target = std::move(*target);
    context.entry.path = redacted(context.target.path);
    for (const auto& [name, value] : context.target.query) context.entry.query.emplace_back(redacted(name), redacted(value));
    reply = route(context);
  } else {
    context.entry.path = redacted(request.target);
    reply = text_reply(400, "bad request target\n");
  }
  if (context.rate) add_rate_limit_headers(context.network, reply, *context.rate, context.now);
  context.entry.endpoint = std::string(endpoint_name(context.endpoint));
  context.entry.status = reply.status;
  context.entry.bytes = reply.size();
  log_.write(context.entry);
  return reply;
}

Reply Api::route(Context& context) {
  auto parts = path_segments(context.target.path);
  if (parts.size() >= 3 && parts[0] == "media") {
    context.endpoint = Endpoint::media;
    std::string relative = context.target.path.substr(parts[0].size() + parts[1].size() + 3);
    return media(context, parts[1], relative);
  }
  if (!parts.empty() && parts[0] == "2") return x_route(context, parts);
  if (parts.size() == 2 && parts[0] == "xrpc") return bluesky_route(context, parts[1]);
  if (parts.size() >= 2 && parts[0] == "api" && parts[1] == "v1") return mastodon_route(context, parts);
  return text_reply(404, "not found\n");
}

std::optional<Reply> Api::rate_limited(Context& context, Endpoint endpoint) {
  context.endpoint = endpoint;
  context.network = endpoint_network(endpoint);
  context.rate = limits_.take(endpoint, context.now);
  if (context.rate->allowed) return std::nullopt;
  return status_error(context.network, 429);
}

Reply Api::stored_json(const StoredHandle& handle, const std::filesystem::path& file) const {
  auto text = read_whole_file(file);
  if (!text) return status_error(handle.network, 500);
  return json_reply(stored_status(handle.network, *text), with_absolute_media_urls(*text, handle.name, settings_.base_url));
}

Reply Api::media(Context& context, const std::string& handle_name, const std::string& relative) {
  if (context.request.method != "GET") return text_reply(405, "GET only\n");
  const StoredHandle* handle = dataset_.find_any(handle_name);
  if (!handle) return text_reply(404, "no such handle\n");
  context.network = handle->network;
  context.entry.handle = handle->name;
  auto file = media_file(*handle, relative);
  if (!file) return text_reply(404, "no such file\n");
  auto bytes = read_whole_file(*file);
  if (!bytes) return text_reply(500, "cannot read the file\n");
  return faulty(context, handle->name, typed_reply(200, media_type(file->string()), std::move(*bytes)));
}

Reply Api::faulty(Context& context, const std::string& handle, Reply normal) {
  FaultChoice choice = faults_.choose(handle, context.endpoint, context.now);
  context.entry.request_number = choice.request_number;
  context.entry.fault = choice.description;
  Reply reply;
  if (choice.status) {
    reply = context.endpoint == Endpoint::media ? text_reply(*choice.status, reason(*choice.status).append("\n"))
                                                : status_error(context.network, *choice.status);
    if (*choice.status == 429 && context.rate) {
      context.rate->remaining = 0;
      context.rate->reset = choice.reset_epoch;
    }
  } else {
    reply = std::move(normal);
    if (choice.huge_bytes > 0) {
      // JSON: a valid document of the network padded to the size; a file: its bytes, then zeros.
      if (is_json(reply)) {
        HugeJson huge = huge_json(context.endpoint);
        reply.body = std::move(huge.head);
        reply.filler = huge.filler;
        reply.suffix = std::move(huge.tail);
      } else {
        reply.filler = '\0';
      }
      if (reply.body.size() + reply.suffix.size() > choice.huge_bytes) {
        reply.body.clear();
        reply.suffix.clear();
      }
      reply.filler_bytes = choice.huge_bytes - reply.body.size() - reply.suffix.size();
      reply.chunked = choice.huge_chunked;
    }
    switch (choice.body) {
      case BodyFault::drop: reply.drop_mid_body = true; break;
      case BodyFault::truncate: reply.cut_to(reply.size() / 2); break;
      case BodyFault::garbage:
        reply.body = garbage_bytes;
        reply.filler_bytes = 0;
        reply.suffix.clear();
        break;
      case BodyFault::none: break;
    }
  }
  reply.delay_ms = choice.delay_ms;
  reply.trickle_ms = choice.trickle_ms;
  return reply;
}

}  // namespace fake_x_api
