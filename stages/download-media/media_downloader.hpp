// Media over http(s) for download-media: through the content-addressed cache on disk, at most
// `downloads` at a time per run (a counting semaphore whose permits each carry an HttpClient, so
// a permit's kept-alive connection serves the next download from the same host).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <vector>

#include "http_client.hpp"
#include "media_cache.hpp"

namespace pipectl::media {

struct DownloadSettings {
  std::filesystem::path cache_folder;
  int downloads = 4;                         // at once, 1..max_downloads
  std::uint64_t max_bytes = 20ull << 20;     // a larger file is refused, unread
  std::chrono::milliseconds timeout{30000};  // for each whole response; connecting: at most 10 s of it
  std::string ca_file;                       // for https; empty: the system's trust store
  int retries = 2;                           // more attempts after a 5xx or a dropped connection
  std::chrono::milliseconds backoff{200};    // before the first retry; doubles, with jitter
};

class MediaDownloader {
 public:
  static constexpr int max_downloads = 64;

  // Throws std::runtime_error when ca_file cannot be loaded, or downloads is out of range.
  explicit MediaDownloader(DownloadSettings settings);

  // The cached file holding the bytes at `url`, downloaded first when the cache has none.
  // Thread-safe. Throws std::runtime_error saying why in a few words, without the URL (the
  // caller names it): "the server answered HTTP 500", "no complete answer within 30000 ms",
  // "the file is larger than max_bytes (20971520 bytes)".
  std::filesystem::path fetch(const std::string& url);

  const MediaCache& cache() const { return cache_; }

 private:
  std::unique_ptr<net::HttpClient> take_client();
  void return_client(std::unique_ptr<net::HttpClient> client);

  DownloadSettings settings_;
  net::HttpOptions http_options_;
  MediaCache cache_;
  std::counting_semaphore<max_downloads> permits_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<net::HttpClient>> idle_clients_;  // guarded by mutex_
};

}  // namespace pipectl::media
