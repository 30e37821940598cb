// A stored dataset of any network, read by the layout of the handle's folder (the `stored`
// source, the bundled sample data):
//   <dir>/<handle>/profile.json or feed/   Bluesky (bluesky_source.hpp)
//   <dir>/<handle>/statuses/               Mastodon (mastodon_source.hpp)
//   anything else                          X API v2 pages (stored_pages.hpp)
#pragma once

#include <filesystem>
#include <string>

#include "problems.hpp"
#include "stored_pages.hpp"

namespace pipectl::fetch {

// Throws std::runtime_error as the network's own reader does (no such handle, a broken first
// page or profile).
StoredDay read_stored_answers(const std::filesystem::path& dir, const std::string& handle, const Warn& warn);

}  // namespace pipectl::fetch
