#include "media_downloader.hpp"

#include <algorithm>
#include <random>
#include <thread>
#include <stdexcept>

#include "backoff.hpp"

namespace pipectl::media {

namespace {

net::HttpOptions http_options(const DownloadSettings& settings) {
  net::HttpOptions options;
  options.connect_timeout = std::min(settings.timeout, std::chrono::milliseconds(10000));
  options.read_timeout = settings.timeout;
  options.max_body_bytes = settings.max_bytes;
  options.ca_file = settings.ca_file;
  options.cancelled = settings.cancelled;
  return options;
}

int checked_downloads(int downloads) {
  if (downloads < 1 || downloads > MediaDownloader::max_downloads)
    throw std::runtime_error(
        std::string("downloads must be 1 to ").append(std::to_string(MediaDownloader::max_downloads)));
  return downloads;
}

}  // namespace

MediaDownloader::MediaDownloader(DownloadSettings settings)
    : settings_(std::move(settings)),
      http_options_(http_options(settings_)),
      cache_(settings_.cache_folder, settings_.cache_max_bytes),
      permits_(checked_downloads(settings_.downloads)) {
  // One client now, so that a CA file that cannot be read fails the stage when it starts.
  try {
    idle_clients_.push_back(std::make_unique<net::HttpClient>(http_options_));
  } catch (const net::HttpError& error) {
    throw std::runtime_error(error.detail());
  }
}

std::unique_ptr<net::HttpClient> MediaDownloader::take_client() {
  std::lock_guard lock(mutex_);
  if (idle_clients_.empty()) return std::make_unique<net::HttpClient>(http_options_);
  auto client = std::move(idle_clients_.back());
  idle_clients_.pop_back();
  return client;
}

void MediaDownloader::return_client(std::unique_ptr<net::HttpClient> client) {
  std::lock_guard lock(mutex_);
  idle_clients_.push_back(std::move(client));
}

namespace {

// How often waits (a backoff, a free download slot) look at the cancel flag.
constexpr auto cancel_step = std::chrono::milliseconds(50);

std::runtime_error stopped() { return std::runtime_error("stopped: the run is being cancelled"); }

}  // namespace

void MediaDownloader::wait(std::chrono::milliseconds time) const {
  const auto end = std::chrono::steady_clock::now() + time;
  while (std::chrono::steady_clock::now() < end) {
    if (cancelled()) throw stopped();
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        cancel_step, end - std::chrono::steady_clock::now()));
  }
}

Fetched MediaDownloader::fetch(const std::string& url) {
  if (auto hit = cache_.read(url)) return Fetched{std::move(*hit), {}};

  while (!permits_.try_acquire_for(cancel_step))
    if (cancelled()) throw stopped();
  struct Permit {
    std::counting_semaphore<max_downloads>& permits;
    ~Permit() { permits.release(); }
  } permit{permits_};
  // Another thread may have fetched it while this one waited.
  if (auto hit = cache_.read(url)) return Fetched{std::move(*hit), {}};

  // A 5xx or a transient fault (a dropped connection, a time-out) is tried again after a
  // jittered backoff; anything else is the answer.
  net::Backoff backoff{settings_.backoff, settings_.backoff * 16, settings_.retries + 1};
  thread_local std::mt19937 random(std::random_device{}());
  net::HttpResponse response;
  for (int attempt = 1;; ++attempt) {
    auto client = take_client();
    try {
      response = client->get(url);
      return_client(std::move(client));
      if (response.status < 500 || !backoff.may_retry(attempt)) break;
    } catch (const net::HttpError& error) {
      // A client whose request failed may hold a broken connection; it is simply not reused.
      if (error.kind == net::HttpErrorKind::too_large)
        throw std::runtime_error(std::string("the file is larger than max_bytes (")
                                     .append(std::to_string(settings_.max_bytes))
                                     .append(" bytes)"));
      if (!net::is_transient(error.kind) || !backoff.may_retry(attempt)) throw std::runtime_error(error.detail());
    }
    wait(backoff.delay(attempt, random));
  }
  if (response.status != 200)
    throw std::runtime_error(std::string("the server answered HTTP ").append(std::to_string(response.status)));
  if (response.body.empty()) throw std::runtime_error("the server sent an empty file");
  Fetched fetched;
  try {
    cache_.store(url, response.body);
  } catch (const std::exception& error) {
    // The picture is in memory: the card needs nothing more. The cache is only for later runs.
    fetched.cache_problem = error.what();
  }
  fetched.bytes = std::move(response.body);
  return fetched;
}

}  // namespace pipectl::media
