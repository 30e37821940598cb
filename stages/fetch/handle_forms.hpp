// The three forms a handle takes, one per network. Each is also safe as a folder name: no
// '/', no leading '.', no "..".
//   X:         an X username, 1-15 letters, digits or _                   orbit_daily
//   Bluesky:   a domain name (the handle is a DNS name)                    alice.bsky.social
//   Mastodon:  user@instance, the fediverse address without its first @  ada@mastodon.social
#pragma once

#include <string_view>

namespace pipectl::fetch {

bool is_x_username(std::string_view handle);
// Two or more labels of letters, digits and '-' (not at a label's ends), 1-63 each, 253 in
// all, the last starting with a letter (atproto's rule; an IP address is no handle).
bool is_domain_handle(std::string_view handle);
// USER@DOMAIN: USER 1-64 of letters, digits, '_', '.', '-' (starting with a letter, digit or
// _), DOMAIN as is_domain_handle; 255 bytes in all, a folder name's limit.
bool is_fediverse_address(std::string_view handle);

}  // namespace pipectl::fetch
