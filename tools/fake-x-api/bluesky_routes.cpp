// Bluesky's public AppView: the two XRPC queries a client needs for an account's day, with no
// authentication. The rate limit first (its headers are on every answer of both methods), then
// the lexicon's checks (bluesky_parameters.cpp), the stored answer (profile.json, feed/), and
// last the faults.
#include "api.hpp"
#include "bluesky_parameters.hpp"
#include "network_replies.hpp"
#include "xrpc_errors.hpp"

namespace fake_x_api {

namespace {

Reply invalid_request(std::string_view message) { return json_reply(400, xrpc_error("InvalidRequest", message)); }

}  // namespace

Reply Api::bluesky_route(Context& context, const std::string& method) {
  if (method == "app.bsky.actor.getProfile") return profile(context);
  if (method == "app.bsky.feed.getAuthorFeed") return author_feed(context);
  context.network = Network::bluesky;
  // As atproto's xrpc-server answers a method it has no lexicon for.
  return json_reply(501, xrpc_error("MethodNotImplemented", "Method Not Implemented"));
}

std::optional<Reply> Api::xrpc_refusal(Context& context, Endpoint endpoint) {
  if (auto refused = rate_limited(context, endpoint)) return refused;
  if (context.request.method != "GET")
    return invalid_request(std::string("Incorrect HTTP method (").append(context.request.method).append(") expected GET"));
  if (auto problem = check_xrpc_query(context.endpoint, context.target.query)) return invalid_request(*problem);
  return std::nullopt;
}

const StoredHandle* Api::bluesky_actor(const std::string& actor) const {
  return actor.rfind("did:", 0) == 0 ? dataset_.find_by_id(Network::bluesky, actor) : dataset_.find(Network::bluesky, actor);
}

Reply Api::profile(Context& context) {
  if (auto refused = xrpc_refusal(context, Endpoint::profile)) return std::move(*refused);
  std::string actor = *query_value(context.target.query, "actor");
  const StoredHandle* handle = bluesky_actor(actor);
  std::string name = handle ? handle->name : actor;
  context.entry.handle = name;
  // A stored XRPC error (a taken-down account) is served as it is, with its 400.
  Reply stored = handle ? stored_json(*handle, account_file(*handle)) : invalid_request("Profile not found");
  return faulty(context, name, std::move(stored));
}

Reply Api::author_feed(Context& context) {
  if (auto refused = xrpc_refusal(context, Endpoint::author_feed)) return std::move(*refused);
  std::string actor = *query_value(context.target.query, "actor");
  const StoredHandle* handle = bluesky_actor(actor);
  if (!handle) {
    context.entry.handle = actor;
    return faulty(context, actor, invalid_request("Profile not found"));
  }
  context.entry.handle = handle->name;
  // An account whose stored profile is an XRPC error (taken down) has no feed either: the same
  // error. (A profile that is merely broken, a bad-input fixture, leaves the feed served.)
  if (!handle->id) {
    Reply account = stored_json(*handle, account_file(*handle));
    if (account.status == 400) return faulty(context, handle->name, std::move(account));
  }
  auto cursor = query_value(context.target.query, "cursor");
  auto file = page_file(*handle, cursor.value_or("page-1"));
  if (!file && cursor) return invalid_request("Malformed cursor");
  Reply stored = file ? stored_json(*handle, *file) : json_reply(200, R"({"feed":[]})");  // no posts at all
  return faulty(context, handle->name, std::move(stored));
}

}  // namespace fake_x_api
