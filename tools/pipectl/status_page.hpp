// The HTML of the status page of `pipectl run` (served at /).
#pragma once

#include <string>

namespace pipectl::cli {

// A self-contained page (no external resources) that polls /status.json every second and shows
// the run: the counts, a card per handle with its progress, and each finished handle's video.
const std::string& status_page_html();

}  // namespace pipectl::cli
