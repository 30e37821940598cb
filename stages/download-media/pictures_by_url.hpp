// Pictures that many posts share (an author's avatar, an instance's custom emoji), each loaded
// once per run however many posts show it, and a failure reported once, for the first post
// that meets it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "items/media.hpp"

namespace pipectl::media {

class PicturesByUrl {
 public:
  // Loads and decodes one picture; throws std::exception saying why it cannot.
  using Load = std::function<items::Image(const std::string& url)>;
  explicit PicturesByUrl(Load load) : load_(std::move(load)) {}

  // The picture at `url`; nullopt when `url` is empty or the picture cannot be had, in which
  // case `report(reason)` is called, by the first caller for that URL only. Thread-safe:
  // callers for the same URL wait for the one loading it.
  std::optional<items::Image> get(const std::string& url, const std::function<void(const std::string&)>& report);

 private:
  struct Entry {
    std::once_flag loaded;
    std::optional<items::Image> image;
  };

  Load load_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;  // guarded by mutex_
};

}  // namespace pipectl::media
