// Media over http(s) for download-media: through the content-addressed cache on disk, at most
// `downloads` at a time per run (a counting semaphore whose permits each carry an HttpClient, so
// a permit's kept-alive connection serves the next download from the same host).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
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
  std::uint64_t cache_max_bytes = 0;         // the cache's bound (least recently used out first); 0: none
  // True once the run is being stopped: a download in progress, a backoff or a wait for a permit
  // gives up within ~50 ms (std::runtime_error "stopped: ..."). Empty: never.
  std::function<bool()> cancelled;
};

// A picture's bytes, from the cache or just downloaded.
struct Fetched {
  std::string bytes;
  // Why the cache could not keep a download ("cannot write the media cache file ...: no space
  // left on device (the disk is full)"); the bytes are good all the same. Empty otherwise.
  std::string cache_problem;
};

class MediaDownloader {
 public:
  static constexpr int max_downloads = 64;

  // Throws std::runtime_error when ca_file cannot be loaded, or downloads is out of range.
  explicit MediaDownloader(DownloadSettings settings);

  // The bytes at `url`: from the cache, else downloaded and stored there. A download the cache
  // cannot keep (a full disk, a file size limit) is returned all the same, with the reason in
  // cache_problem. Thread-safe. Throws std::runtime_error saying why in a few words, without the
  // URL (the caller names it): "the server answered HTTP 500", "no complete answer within
  // 30000 ms", "the file is larger than max_bytes (20971520 bytes)".
  Fetched fetch(const std::string& url);

  MediaCache& cache() { return cache_; }

 private:
  bool cancelled() const { return settings_.cancelled && settings_.cancelled(); }
  // Sleeps `time` in short steps, giving up (std::runtime_error) once the run is cancelled.
  void wait(std::chrono::milliseconds time) const;
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
