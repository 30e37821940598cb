// What fake-x-api answers: the routes of the three APIs it speaks (X API v2 in x_routes.cpp,
// Bluesky's AppView in bluesky_routes.cpp, a Mastodon instance in mastodon_routes.cpp) and the
// media files, over a stored dataset, with authentication (X only), rate limits and the faults
// file applied. Pure decisions, no I/O but reading the dataset's files and writing the request
// log: the connection sends what this returns.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataset.hpp"
#include "faults.hpp"
#include "rate_limits.hpp"
#include "reply.hpp"
#include "request_log.hpp"
#include "url_text.hpp"

namespace fake_x_api {

struct Request {
  std::string method;
  std::string target;                        // as sent: "/2/users/1/tweets?max_results=100"
  std::optional<std::string> authorization;  // the Authorization header, if any
  long connection = 0;
};

struct ApiSettings {
  std::optional<std::string> token;  // none: no authentication (X's /2/ only)
  std::string base_url;              // "http://127.0.0.1:PORT": media URLs and Link headers point here
};

class Api {
 public:
  Api(const Dataset& dataset, Faults faults, RateLimits limits, ApiSettings settings, RequestLog& log);

  // Decides the answer to one request and logs it.
  Reply answer(const Request& request);

 private:
  // One request being answered.
  struct Context {
    const Request& request;
    std::chrono::system_clock::time_point now;
    Target target;
    LogEntry entry;
    Endpoint endpoint = Endpoint::other;
    Network network = Network::x;   // whose error bodies and rate-limit headers
    std::optional<RateState> rate;  // for API endpoints: sent in the network's headers
  };

  Reply route(Context& context);

  // X API v2 (x_routes.cpp).
  Reply x_route(Context& context, const std::vector<std::string>& parts);
  Reply user_lookup(Context& context, const std::string& username);
  Reply timeline(Context& context, const std::string& user_id);
  // Bluesky's AppView (bluesky_routes.cpp): /xrpc/<method>.
  Reply bluesky_route(Context& context, const std::string& method);
  Reply profile(Context& context);
  Reply author_feed(Context& context);
  // What both XRPC methods check before they read data: the rate limit, GET, the lexicon's
  // parameters. A refusal, or nullopt when the request may go on.
  std::optional<Reply> xrpc_refusal(Context& context, Endpoint endpoint);
  // The stored handle that `actor` (a DID or a handle) names, or nullptr.
  const StoredHandle* bluesky_actor(const std::string& actor) const;
  // A Mastodon instance (mastodon_routes.cpp): /api/v1/accounts/...
  Reply mastodon_route(Context& context, const std::vector<std::string>& parts);
  Reply account_lookup(Context& context);
  Reply statuses(Context& context, const std::string& account_id);

  Reply media(Context& context, const std::string& handle_name, const std::string& relative);

  // Shared by the routes (api.cpp). Makes the request one of `endpoint` and counts it against
  // that endpoint's rate-limit window; the 429 to send when the window is used up.
  std::optional<Reply> rate_limited(Context& context, Endpoint endpoint);
  // A stored JSON file as served, with its media URLs made absolute: HTTP 200, or the status
  // of the network's errors for a stored error payload; a 500 when it cannot be read.
  Reply stored_json(const StoredHandle& handle, const std::filesystem::path& file) const;
  // `normal` with the faults of this request of `handle` applied (status errors, broken bodies).
  Reply faulty(Context& context, const std::string& handle, Reply normal);
  std::string redacted(std::string text) const;

  const Dataset& dataset_;
  Faults faults_;
  RateLimits limits_;
  ApiSettings settings_;
  RequestLog& log_;
};

// Splits "/2/users/123/tweets" into its segments: "2", "users", "123", "tweets".
std::vector<std::string> path_segments(const std::string& path);

}  // namespace fake_x_api
