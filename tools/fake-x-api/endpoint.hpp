// The things fake-x-api serves, each with its own rate limit window and fault counters, and
// the network each API endpoint speaks for.
#pragma once

#include <cstddef>
#include <string_view>

namespace fake_x_api {

enum class Network { x, bluesky, mastodon };

// The API endpoints come first: they are the ones with a rate-limit window each.
enum class Endpoint {
  user_lookup,     // X:        GET /2/users/by/username/:username
  timeline,        // X:        GET /2/users/:id/tweets
  profile,         // Bluesky:  GET /xrpc/app.bsky.actor.getProfile
  author_feed,     // Bluesky:  GET /xrpc/app.bsky.feed.getAuthorFeed
  account_lookup,  // Mastodon: GET /api/v1/accounts/lookup
  statuses,        // Mastodon: GET /api/v1/accounts/:id/statuses
  media,           // GET /media/<handle>/<file>, any network's handle
  other,           // anything else (404)
};
constexpr std::size_t api_endpoint_count = 6;

// As written in the request log (README.md lists them).
constexpr std::string_view endpoint_name(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::user_lookup: return "user";
    case Endpoint::timeline: return "tweets";
    case Endpoint::profile: return "profile";
    case Endpoint::author_feed: return "feed";
    case Endpoint::account_lookup: return "lookup";
    case Endpoint::statuses: return "statuses";
    case Endpoint::media: return "media";
    case Endpoint::other: break;
  }
  return "other";
}

// The network an API endpoint belongs to (media and other: none of its own; X by default).
constexpr Network endpoint_network(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::profile:
    case Endpoint::author_feed: return Network::bluesky;
    case Endpoint::account_lookup:
    case Endpoint::statuses: return Network::mastodon;
    default: return Network::x;
  }
}

// Which of a handle's fault sets an endpoint uses: the faults file's keys prefixed `user_`
// (the account: X's user lookup, Bluesky's getProfile, Mastodon's lookup), unprefixed (its
// posts: tweets, feed, statuses) or prefixed `media_` (its pictures).
enum class FaultSet { account = 0, posts = 1, media = 2 };
constexpr std::size_t fault_set_count = 3;

constexpr FaultSet fault_set(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::user_lookup:
    case Endpoint::profile:
    case Endpoint::account_lookup: return FaultSet::account;
    case Endpoint::media: return FaultSet::media;
    default: return FaultSet::posts;
  }
}

}  // namespace fake_x_api
