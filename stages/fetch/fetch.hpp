// The fetch stage's interface: its declaration, and the checks a command needs for the handles
// and the day it asks for. Everything else in this folder is the stage's own.
#pragma once

#include <string>

#include "pipectl/stage.hpp"

namespace pipectl {

// one handle's day of posts, oldest first, from stored pages, the X API, an archive or twarc2.
StageInfo fetch_stage();

namespace fetch {
// A calendar day written exactly YYYY-MM-DD.
bool is_date(const std::string& text);
// An IANA time zone ICU knows ("UTC", "Europe/Paris").
bool is_time_zone(const std::string& tz);
// A handle of some network: an X username, a Bluesky handle (a domain name) or a Mastodon
// address user@instance (handle_forms.hpp). Each is safe as a folder name.
bool is_handle(const std::string& handle);
}  // namespace fetch

}  // namespace pipectl
