// Checks the parameters of the two XRPC queries served, as their lexicons declare them
// (app.bsky.actor.getProfile: actor; app.bsky.feed.getAuthorFeed: actor, limit 1..100,
// cursor, filter, includePins). Stricter than atproto in two ways, to catch a client's typos:
// an unknown parameter and a filter outside the lexicon's knownValues are refused too.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api_parameters.hpp"
#include "endpoint.hpp"

namespace fake_x_api {

// nullopt when the query is fine, else the message of the HTTP 400 InvalidRequest error
// ("Error: limit can not be greater than 100").
std::optional<std::string> check_xrpc_query(Endpoint endpoint, const QueryParameters& query);

// atproto's at-identifier: a DID ("did:plc:...") or a handle (a domain name: alice.bsky.social).
bool is_at_identifier(std::string_view actor);

}  // namespace fake_x_api
