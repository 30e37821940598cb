// How each network words the parts of an answer that every route shares: the body of an HTTP
// error status (a fault's or the rate limit's), the rate-limit headers, and the valid JSON a
// huge body is padded into.
//   X         problem+json {"title":...};  x-rate-limit-limit/-remaining/-reset (epoch s)
//   Bluesky   {"error":Name,"message":...}; ratelimit-limit/-remaining/-reset (epoch s),
//             ratelimit-policy "N;w=S", and retry-after (s) on a 429
//   Mastodon  {"error":...};               x-ratelimit-limit/-remaining/-reset (ISO 8601)
#pragma once

#include <chrono>
#include <string>

#include "endpoint.hpp"
#include "rate_limits.hpp"
#include "reply.hpp"

namespace fake_x_api {

// An HTTP error status as `network`'s API sends it.
Reply status_error(Network network, int status);

// Adds `state` to an API answer in `network`'s headers; `now` is when the answer was chosen.
void add_rate_limit_headers(Network network, Reply& reply, const RateState& state,
                            std::chrono::system_clock::time_point now);

// A huge JSON body stays a valid answer of the endpoint's network: `head`, then the filler
// bytes, then `tail`.
struct HugeJson {
  std::string head;
  char filler = 'x';
  std::string tail;
};
HugeJson huge_json(Endpoint endpoint);

}  // namespace fake_x_api
