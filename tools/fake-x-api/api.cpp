// The routes: authentication first, then the rate limit, the request's checks, the stored
// answer, and last the faults the file gives the handle.
#include "api.hpp"

#include <boost/beast/http/status.hpp>

#include "api_errors.hpp"
#include "media_urls.hpp"
#include "url_text.hpp"

namespace fake_x_api {

namespace {

constexpr const char* json_type = "application/json; charset=utf-8";
constexpr const char* problem_type = "application/problem+json";

// Junk instead of a body: HTML, a NUL, bytes that are not UTF-8, a JSON start that goes nowhere.
constexpr char garbage_text[] = "<html><body>upstream error</body></html>\0\xff\xfe\x80{\"data\":[{\"id\":";
const std::string garbage_bytes(garbage_text, sizeof garbage_text - 1);

Reply typed_reply(int status, const char* content_type, std::string body) {
  Reply reply;
  reply.status = status;
  reply.set("Content-Type", content_type);
  reply.body = std::move(body);
  return reply;
}

Reply text_reply(int status, std::string text) { return typed_reply(status, "text/plain; charset=utf-8", std::move(text)); }

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

bool is_json(const Reply& reply) {
  for (const auto& [name, value] : reply.headers)
    if (name == "Content-Type") return value.rfind("application/json", 0) == 0;
  return false;
}

// Splits "/2/users/123/tweets" into its segments.
std::vector<std::string> segments(const std::string& path) {
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

}  // namespace

struct Api::Context {
  const Request& request;
  std::chrono::system_clock::time_point now;
  Target target;
  LogEntry entry;
  Endpoint endpoint = Endpoint::other;
  std::optional<RateState> rate;  // for API endpoints: sent as x-rate-limit-*
};

Api::Api(const Dataset& dataset, Faults faults, RateLimits limits, ApiSettings settings, RequestLog& log)
    : dataset_(dataset), faults_(std::move(faults)), limits_(limits), settings_(std::move(settings)), log_(log) {}

std::string Api::redacted(std::string text) const {
  if (!settings_.token) return text;
  for (std::size_t at = text.find(*settings_.token); at != std::string::npos; at = text.find(*settings_.token, at))
    text.replace(at, settings_.token->size(), "[token]");
  return text;
}

Reply Api::answer(const Request& request) {
  Context context{request, std::chrono::system_clock::now(), {}, {}, Endpoint::other, std::nullopt};
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
  if (context.rate) {
    reply.set("x-rate-limit-limit", std::to_string(context.rate->limit));
    reply.set("x-rate-limit-remaining", std::to_string(context.rate->remaining));
    reply.set("x-rate-limit-reset", std::to_string(context.rate->reset));
  }
  context.entry.endpoint = std::string(endpoint_name(context.endpoint));
  context.entry.status = reply.status;
  context.entry.bytes = reply.size();
  log_.write(context.entry);
  return reply;
}

Reply Api::route(Context& context) {
  auto parts = segments(context.target.path);
  if (parts.size() >= 3 && parts[0] == "media") {
    context.endpoint = Endpoint::media;
    std::string relative = context.target.path.substr(parts[0].size() + parts[1].size() + 3);
    return media(context, parts[1], relative);
  }
  if (parts.empty() || parts[0] != "2") return text_reply(404, "not found\n");
  if (parts.size() == 5 && parts[1] == "users" && parts[2] == "by" && parts[3] == "username")
    context.endpoint = Endpoint::user_lookup;
  else if (parts.size() == 4 && parts[1] == "users" && parts[3] == "tweets")
    context.endpoint = Endpoint::timeline;

  // The API: a bearer token first (its 401 carries no rate-limit headers, as the real one).
  if (settings_.token) {
    const auto& header = context.request.authorization;
    context.entry.auth = !header ? "missing" : *header == std::string("Bearer ").append(*settings_.token) ? "ok" : "wrong";
    if (context.entry.auth != "ok") return typed_reply(401, problem_type, unauthorized_problem());
  }
  if (context.request.method != "GET") return typed_reply(405, problem_type, status_problem(405));
  if (context.endpoint == Endpoint::user_lookup) return user_lookup(context, parts[4]);
  if (context.endpoint == Endpoint::timeline) return timeline(context, parts[2]);
  return typed_reply(404, json_type, no_such_page());
}

Reply Api::user_lookup(Context& context, const std::string& username) {
  context.rate = limits_.take(context.endpoint, context.now);
  if (!context.rate->allowed) return typed_reply(429, problem_type, status_problem(429));
  if (auto problem = check_username(username)) return typed_reply(400, problem_type, *problem);
  if (auto problem = check_query(context.endpoint, context.target.query)) return typed_reply(400, problem_type, *problem);

  const StoredHandle* handle = dataset_.by_username(username);
  std::string name = handle ? handle->name : username;
  context.entry.handle = name;
  Reply stored;
  if (!handle) {
    stored = typed_reply(200, json_type, username_not_found(username));  // HTTP 200, as the real API
  } else if (auto text = read_whole_file(handle->root / handle->name / "user.json")) {
    stored = typed_reply(200, json_type, with_absolute_media_urls(*text, handle->name, settings_.base_url));
  } else {
    stored = typed_reply(500, problem_type, status_problem(500));
  }
  return faulty(context, name, std::move(stored));
}

Reply Api::timeline(Context& context, const std::string& user_id) {
  context.rate = limits_.take(context.endpoint, context.now);
  if (!context.rate->allowed) return typed_reply(429, problem_type, status_problem(429));
  if (auto problem = check_user_id(user_id)) return typed_reply(400, problem_type, *problem);
  if (auto problem = check_query(context.endpoint, context.target.query)) return typed_reply(400, problem_type, *problem);

  const StoredHandle* handle = dataset_.by_user_id(user_id);
  if (!handle) {
    context.entry.handle = user_id;
    return faulty(context, user_id, typed_reply(200, json_type, user_id_not_found(user_id)));
  }
  context.entry.handle = handle->name;
  auto token = query_value(context.target.query, "pagination_token");
  auto file = page_file(*handle, token.value_or("page-1"));
  if (!file && token)
    return typed_reply(400, problem_type,
                       invalid_parameter("pagination_token", *token,
                                         std::string("The `pagination_token` query parameter value [")
                                             .append(*token)
                                             .append("] is not valid")));
  Reply stored;
  if (!file) {
    stored = typed_reply(200, json_type, R"({"meta":{"result_count":0}})");  // no posts at all
  } else if (auto text = read_whole_file(*file)) {
    stored = typed_reply(200, json_type, with_absolute_media_urls(*text, handle->name, settings_.base_url));
  } else {
    stored = typed_reply(500, problem_type, status_problem(500));
  }
  return faulty(context, handle->name, std::move(stored));
}

Reply Api::media(Context& context, const std::string& handle_name, const std::string& relative) {
  if (context.request.method != "GET") return text_reply(405, "GET only\n");
  const StoredHandle* handle = dataset_.by_username(handle_name);
  if (!handle) return text_reply(404, "no such handle\n");
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
    bool api = context.endpoint != Endpoint::media;
    reply = api ? typed_reply(*choice.status, problem_type, status_problem(*choice.status))
                : text_reply(*choice.status, reason(*choice.status).append("\n"));
    if (*choice.status == 429 && context.rate) {
      context.rate->remaining = 0;
      context.rate->reset = choice.reset_epoch;
    }
  } else {
    reply = std::move(normal);
    if (choice.huge_bytes > 0) {
      // JSON: a valid document padded to the size; a file: its bytes, then zeros.
      if (is_json(reply)) {
        reply.body = R"({"data":[],"meta":{"result_count":0},"padding":")";
        reply.suffix = "\"}";
        reply.filler = 'x';
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
