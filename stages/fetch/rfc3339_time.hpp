// Times as RFC 3339 writes them, the form of every JSON API pipectl reads:
// "2026-11-24T14:05:09Z", "2026-11-24T14:05:09.123456Z", "2026-11-24T15:05:09+01:00".
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace pipectl::fetch {

// The instant `text` names, to the second (a fraction is read and dropped), or nullopt when
// it is not YYYY-MM-DDTHH:MM:SS[.fraction] followed by Z or a ±HH:MM offset ("t"/"z" in lower
// case too, as RFC 3339 allows). A leap second (:60) is refused.
std::optional<std::chrono::sys_seconds> parse_rfc3339(const std::string& text);

}  // namespace pipectl::fetch
