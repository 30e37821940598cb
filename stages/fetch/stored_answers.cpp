#include "stored_answers.hpp"

#include "bluesky_source.hpp"
#include "mastodon_source.hpp"

namespace pipectl::fetch {

StoredDay read_stored_answers(const std::filesystem::path& dir, const std::string& handle, const Warn& warn) {
  if (is_stored_bluesky(dir, handle)) return read_stored_bluesky(dir, handle, warn);
  if (std::filesystem::is_directory(dir / handle / "statuses")) return read_stored_mastodon(dir, handle, warn);
  return read_stored_pages(dir.string(), handle, warn);
}

}  // namespace pipectl::fetch
