// The things fake-x-api serves, each with its own rate limit window and fault counters.
#pragma once

#include <string_view>

namespace fake_x_api {

enum class Endpoint {
  user_lookup,  // GET /2/users/by/username/:username
  timeline,     // GET /2/users/:id/tweets
  media,        // GET /media/<handle>/<file>
  other,        // anything else (404)
};

// As written in the request log and the faults file's prefixes' documentation.
constexpr std::string_view endpoint_name(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::user_lookup: return "user";
    case Endpoint::timeline: return "tweets";
    case Endpoint::media: return "media";
    case Endpoint::other: break;
  }
  return "other";
}

}  // namespace fake_x_api
