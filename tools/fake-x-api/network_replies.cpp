// The per-network wording of errors, rate-limit headers and huge bodies.
#include "network_replies.hpp"

#include <algorithm>

#include "api_errors.hpp"
#include "mastodon_errors.hpp"
#include "utc_time.hpp"
#include "xrpc_errors.hpp"

namespace fake_x_api {

Reply status_error(Network network, int status) {
  switch (network) {
    case Network::bluesky: return json_reply(status, xrpc_status_error(status));
    case Network::mastodon: return json_reply(status, mastodon_status_error(status));
    case Network::x: break;
  }
  return typed_reply(status, problem_type, status_problem(status));
}

void add_rate_limit_headers(Network network, Reply& reply, const RateState& state,
                            std::chrono::system_clock::time_point now) {
  std::string limit = std::to_string(state.limit), remaining = std::to_string(state.remaining);
  std::chrono::system_clock::time_point reset{std::chrono::seconds(state.reset)};
  switch (network) {
    case Network::x:
      reply.set("x-rate-limit-limit", limit);
      reply.set("x-rate-limit-remaining", remaining);
      reply.set("x-rate-limit-reset", std::to_string(state.reset));
      break;
    case Network::bluesky:
      // atproto's servers send the reset as an epoch time, not the IETF draft's delta.
      reply.set("ratelimit-limit", limit);
      reply.set("ratelimit-remaining", remaining);
      reply.set("ratelimit-reset", std::to_string(state.reset));
      reply.set("ratelimit-policy", std::string(limit).append(";w=").append(std::to_string(state.window_seconds)));
      if (reply.status == 429) {
        auto wait = std::chrono::ceil<std::chrono::seconds>(reset - now).count();
        reply.set("retry-after", std::to_string(std::max<long long>(0, wait)));
      }
      break;
    case Network::mastodon:
      reply.set("x-ratelimit-limit", limit);
      reply.set("x-ratelimit-remaining", remaining);
      reply.set("x-ratelimit-reset", utc_text(reset));
      break;
  }
}

HugeJson huge_json(Endpoint endpoint) {
  switch (endpoint_network(endpoint)) {
    case Network::bluesky: return {R"({"feed":[],"padding":")", 'x', "\"}"};
    // A Mastodon page is an array, which has no room for a padding member: JSON allows any
    // whitespace between tokens, so the padding is spaces inside an empty array (statuses) or
    // an empty object (lookup). A client reads it as no statuses.
    case Network::mastodon:
      return endpoint == Endpoint::statuses ? HugeJson{"[", ' ', "]"} : HugeJson{"{", ' ', "}"};
    case Network::x: break;
  }
  return {R"({"data":[],"meta":{"result_count":0},"padding":")", 'x', "\"}"};
}

}  // namespace fake_x_api
