#include "notifier.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <random>

#include "backoff.hpp"
#include "digest.hpp"

namespace pipectl::cli {

namespace {

// Discards the receiver's answer: only its status matters (and it is never shown, so that a
// receiver echoing what it got cannot put anything into our outcomes).
std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

using EasyHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using MultiHandle = std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)>;
using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

// Adds a header line; on failure (no memory) the list stays as it was.
void append(HeaderList& list, const std::string& line) {
  if (curl_slist* longer = curl_slist_append(list.get(), line.c_str())) {
    list.release();  // `longer` is the same list, one line longer
    list.reset(longer);
  }
}

// One POST of `body`; "" when the receiver answered 2xx, else what went wrong ("HTTP 503", or
// libcurl's description of a connection fault). The transfer runs in steps of at most 10 ms
// (curl's multi interface); between them `go_on` is called, outside any lock of curl's, and
// may hold the thread there (a fork) or end the transfer (false: the notifier is stopping).
std::string post(CURLM* multi, CURL* curl, const std::string& url, const std::string& body,
                 const std::string& signature, std::chrono::milliseconds timeout, const std::function<bool()>& go_on) {
  curl_easy_reset(curl);  // keeps the connection cache: a kept-alive connection is reused
  HeaderList headers(nullptr, &curl_slist_free_all);
  append(headers, "Content-Type: application/json");
  if (!signature.empty()) append(headers, "X-Pipectl-Signature: " + signature);
  // No "Expect: 100-continue" for larger bodies: receivers rarely answer it, and curl then
  // waits a second before sending the body anyway.
  append(headers, "Expect:");

  char error_text[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  // Only HTTP(S), whatever the URL says (no file://, no gopher://).
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85 named the protocols and deprecated the bit mask
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "pipectl/notify");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS time-outs: we are a thread
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);

  curl_multi_add_handle(multi, curl);
  int running = 1;
  bool stopped = false;
  while (true) {
    curl_multi_perform(multi, &running);
    if (running == 0) break;
    curl_multi_poll(multi, nullptr, 0, 10, nullptr);
    if (!go_on()) {
      stopped = true;
      break;
    }
  }
  CURLcode result = CURLE_OK;
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &left))
    if (message->msg == CURLMSG_DONE && message->easy_handle == curl) result = message->data.result;
  curl_multi_remove_handle(multi, curl);
  if (stopped) return "stopped while sending";
  if (result != CURLE_OK) return error_text[0] ? error_text : curl_easy_strerror(result);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) return "HTTP " + std::to_string(status);
  return {};
}

}  // namespace

std::string notify_signature(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  static const char empty_key = 0;  // HMAC() wants a key pointer even for an empty key
  HMAC(EVP_sha256(), secret.empty() ? &empty_key : secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &size);
  return "sha256=" + lower_hex(digest, size);
}

Notifier::Notifier(NotifySettings settings, std::function<void(const NotifyOutcome&)> on_outcome)
    : settings_(std::move(settings)), on_outcome_(std::move(on_outcome)) {
  init_curl_once();
  thread_ = std::thread([this] { run(); });
}

Notifier::~Notifier() {
  // Bounded: what is still unsent after the drain limit is given up (each gets its outcome),
  // backoff waits end at once and a POST in progress is aborted.
  drain(settings_.timeout);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void Notifier::send(const std::string& url, boost::json::object payload) {
  {
    std::lock_guard lock(mutex_);
    waiting_.emplace_back(url, std::move(payload));
    ++in_hand_;
  }
  changed_.notify_all();
}

bool Notifier::drain(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [this] { return in_hand_ == 0; });
}

void Notifier::run_paused(const std::function<void()>& action) {
  std::unique_lock lock(mutex_);
  pause_requested_ = true;
  changed_.notify_all();
  changed_.wait(lock, [this] { return parked_; });
  lock.unlock();
  action();
  lock.lock();
  pause_requested_ = false;
  changed_.notify_all();
}

void Notifier::wait_parked(std::unique_lock<std::mutex>& lock, const std::function<bool()>& done,
                           std::optional<std::chrono::steady_clock::time_point> until) {
  parked_ = true;
  changed_.notify_all();
  if (until) changed_.wait_until(lock, *until, [&] { return !pause_requested_ && done(); });
  else changed_.wait(lock, [&] { return !pause_requested_ && done(); });
  changed_.wait(lock, [this] { return !pause_requested_; });  // a wait that timed out while paused
  parked_ = false;
}

void Notifier::run() {
  const net::Backoff backoff{settings_.backoff_base, settings_.backoff_cap, settings_.max_attempts};
  std::mt19937 random(std::random_device{}());
  EasyHandle curl(curl_easy_init(), &curl_easy_cleanup);  // one per thread
  MultiHandle multi(curl_multi_init(), &curl_multi_cleanup);  // it keeps connections alive
  // Between the steps of a transfer: parked while a fork is under way; false once stopping.
  auto go_on = [this] {
    std::unique_lock lock(mutex_);
    wait_parked(lock, [] { return true; });
    return !stopping_;
  };

  std::unique_lock lock(mutex_);
  while (true) {
    wait_parked(lock, [this] { return stopping_ || !waiting_.empty(); });
    if (waiting_.empty()) return;  // stopping, and nothing left
    NotifyOutcome outcome;
    outcome.url = std::move(waiting_.front().first);
    outcome.payload = std::move(waiting_.front().second);
    waiting_.pop_front();
    const std::string body = boost::json::serialize(outcome.payload);
    const std::string signature = settings_.secret.empty() ? "" : notify_signature(settings_.secret, body);

    while (!stopping_) {
      lock.unlock();
      ++outcome.attempts;
      outcome.error = curl && multi ? post(multi.get(), curl.get(), outcome.url, body, signature, settings_.timeout, go_on)
                                    : "could not start libcurl";
      lock.lock();
      if (outcome.error.empty() || !backoff.may_retry(outcome.attempts)) break;
      // On the condition variable, so that the destructor can cut the wait short.
      wait_parked(lock, [this] { return stopping_; },
                  std::chrono::steady_clock::now() + backoff.delay(outcome.attempts, random));
    }
    outcome.delivered = outcome.attempts > 0 && outcome.error.empty();
    if (outcome.attempts == 0) outcome.error = "not sent: the notifier stopped";

    lock.unlock();
    try {
      on_outcome_(outcome);
    } catch (...) {
      // A failing callback must not end the thread (std::terminate) nor lose later outcomes.
    }
    lock.lock();
    --in_hand_;
    changed_.notify_all();
  }
}

}  // namespace pipectl::cli
