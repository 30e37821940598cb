// A Mastodon instance's two public account endpoints, with no authentication: the rate limit
// first (its headers are on every answer of both), then the checks (mastodon_parameters.cpp),
// the stored answer (account.json, statuses/) with the Link header of its page, and last the
// faults.
#include "api.hpp"
#include "mastodon_errors.hpp"
#include "mastodon_link.hpp"
#include "mastodon_parameters.hpp"
#include "network_replies.hpp"

namespace fake_x_api {

Reply Api::mastodon_route(Context& context, const std::vector<std::string>& parts) {
  context.network = Network::mastodon;
  bool get = context.request.method == "GET";
  if (get && parts.size() == 4 && parts[2] == "accounts" && parts[3] == "lookup") return account_lookup(context);
  if (get && parts.size() == 5 && parts[2] == "accounts" && parts[4] == "statuses") return statuses(context, parts[3]);
  return json_reply(404, mastodon_error("Not Found"));  // Rails' answer to a route it does not have
}

Reply Api::account_lookup(Context& context) {
  if (auto refused = rate_limited(context, Endpoint::account_lookup)) return std::move(*refused);
  auto acct = query_value(context.target.query, "acct");
  if (!acct || acct->empty()) return json_reply(400, mastodon_error("param is missing or the value is empty: acct"));
  std::string wanted = acct->front() == '@' ? acct->substr(1) : *acct;  // "@ada@social.example" works too

  const StoredHandle* handle = dataset_.find_mastodon_acct(wanted);
  std::string name = handle ? handle->name : wanted;
  context.entry.handle = name;
  Reply stored = handle ? stored_json(*handle, account_file(*handle)) : json_reply(404, mastodon_status_error(404));
  return faulty(context, name, std::move(stored));
}

Reply Api::statuses(Context& context, const std::string& account_id) {
  if (auto refused = rate_limited(context, Endpoint::statuses)) return std::move(*refused);
  const StoredHandle* handle = dataset_.find_by_id(Network::mastodon, account_id);
  if (!handle) {
    context.entry.handle = account_id;
    return faulty(context, account_id, json_reply(404, mastodon_status_error(404)));
  }
  context.entry.handle = handle->name;
  if (auto problem = check_statuses_query(context.target.query)) return json_reply(400, mastodon_error(*problem));

  // max_id names the stored page; min_id or since_id alone ask for newer statuses than a
  // page's first, and the stored pages hold none newer than page-1's.
  const auto& query = context.target.query;
  auto max_id = query_value(query, "max_id");
  std::optional<std::filesystem::path> file;
  if (max_id) file = page_file(*handle, *max_id);
  else if (!query_value(query, "min_id") && !query_value(query, "since_id")) file = page_file(*handle, "page-1");
  if (!file) return faulty(context, handle->name, json_reply(200, "[]"));

  Reply stored = stored_json(*handle, *file);
  if (stored.status == 200) {
    if (auto ends = page_ends(stored.body)) {
      bool has_next = page_file(*handle, ends->last_id).has_value();
      stored.set("Link", statuses_link(settings_.base_url, account_id, query, *ends, has_next));
    }
  }
  return faulty(context, handle->name, std::move(stored));
}

}  // namespace fake_x_api
