#include "pictures_by_url.hpp"

#include <exception>

namespace pipectl::media {

std::optional<items::Image> PicturesByUrl::get(const std::string& url,
                                               const std::function<void(const std::string&)>& report) {
  if (url.empty()) return std::nullopt;
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto& slot = entries_[url];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
  }
  std::call_once(entry->loaded, [&] {
    try {
      entry->image = load_(url);
    } catch (const std::exception& error) {
      report(error.what());
    }
  });
  return entry->image;
}

}  // namespace pipectl::media
