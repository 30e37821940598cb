// X API v2's routes: the bearer token first, then the rate limit, the request's checks
// (api_parameters.cpp), the stored answer (user.json, pages/), and last the faults.
#include "api.hpp"
#include "api_errors.hpp"
#include "api_parameters.hpp"
#include "network_replies.hpp"

namespace fake_x_api {

Reply Api::x_route(Context& context, const std::vector<std::string>& parts) {
  Endpoint endpoint = Endpoint::other;
  if (parts.size() == 5 && parts[1] == "users" && parts[2] == "by" && parts[3] == "username")
    endpoint = Endpoint::user_lookup;
  else if (parts.size() == 4 && parts[1] == "users" && parts[3] == "tweets")
    endpoint = Endpoint::timeline;
  context.endpoint = endpoint;

  // A bearer token first (its 401 carries no rate-limit headers, as the real one).
  if (settings_.token) {
    const auto& header = context.request.authorization;
    context.entry.auth = !header ? "missing" : *header == std::string("Bearer ").append(*settings_.token) ? "ok" : "wrong";
    if (context.entry.auth != "ok") return typed_reply(401, problem_type, unauthorized_problem());
  }
  if (context.request.method != "GET") return status_error(Network::x, 405);
  if (endpoint == Endpoint::user_lookup) return user_lookup(context, parts[4]);
  if (endpoint == Endpoint::timeline) return timeline(context, parts[2]);
  return json_reply(404, no_such_page());
}

Reply Api::user_lookup(Context& context, const std::string& username) {
  if (auto refused = rate_limited(context, Endpoint::user_lookup)) return std::move(*refused);
  if (auto problem = check_username(username)) return typed_reply(400, problem_type, *problem);
  if (auto problem = check_query(context.endpoint, context.target.query)) return typed_reply(400, problem_type, *problem);

  const StoredHandle* handle = dataset_.find(Network::x, username);
  std::string name = handle ? handle->name : username;
  context.entry.handle = name;
  Reply stored = handle ? stored_json(*handle, account_file(*handle))
                        : json_reply(200, username_not_found(username));  // HTTP 200, as the real API
  return faulty(context, name, std::move(stored));
}

Reply Api::timeline(Context& context, const std::string& user_id) {
  if (auto refused = rate_limited(context, Endpoint::timeline)) return std::move(*refused);
  if (auto problem = check_user_id(user_id)) return typed_reply(400, problem_type, *problem);
  if (auto problem = check_query(context.endpoint, context.target.query)) return typed_reply(400, problem_type, *problem);

  const StoredHandle* handle = dataset_.find_by_id(Network::x, user_id);
  if (!handle) {
    context.entry.handle = user_id;
    return faulty(context, user_id, json_reply(200, user_id_not_found(user_id)));
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
  Reply stored = file ? stored_json(*handle, *file) : json_reply(200, R"({"meta":{"result_count":0}})");  // no posts at all
  return faulty(context, handle->name, std::move(stored));
}

}  // namespace fake_x_api
