// The HTTP Link header (RFC 8288), as Mastodon pages its lists with it:
//   Link: <https://social.example/api/v1/accounts/1/statuses?max_id=7>; rel="next",
//         <https://social.example/api/v1/accounts/1/statuses?min_id=9>; rel="prev"
// Commas inside <...> and quoted strings belong to them; parameter names and relation types
// compare without letter case; a link-value that cannot be read is skipped, not the header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pipectl::fetch {

struct LinkValue {
  std::string target;                                       // the URI reference inside <...>
  std::vector<std::pair<std::string, std::string>> params;  // names in lower case, values unquoted
  // The relation types of its first "rel" parameter (RFC 8288 ignores later ones), lower case.
  std::vector<std::string> relations() const;
};

std::vector<LinkValue> parse_link_header(std::string_view header);

// The target of the first link whose rel lists `relation` ("next"), or nullopt.
std::optional<std::string> link_target(std::string_view header, std::string_view relation);

}  // namespace pipectl::fetch
