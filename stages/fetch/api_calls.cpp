#include "api_calls.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "api_gate.hpp"
#include "net/url.hpp"

namespace pipectl::fetch {

namespace {

// 429s in a row for one call before giving up (each waits for the window to reset).
constexpr int max_refusals = 5;

std::string seconds_text(double seconds) {
  std::ostringstream text;
  text.precision(seconds < 10 ? 2 : 0);
  text << std::fixed << seconds << " s";
  return text.str();
}

std::chrono::sys_seconds now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Ctrl-C stops a request in flight, not only the waits between requests.
net::HttpOptions with_cancel(net::HttpOptions options, const std::function<bool()>& cancelled) {
  if (!options.cancelled) options.cancelled = cancelled;
  return options;
}

}  // namespace

ApiCalls::ApiCalls(const ApiCallSettings& settings, ApiService service, const ApiHooks& hooks)
    : settings_(settings),
      service_(std::move(service)),
      hooks_(hooks),
      client_(with_cancel(settings.http, hooks.cancelled)),
      backoff_{settings.backoff, settings.backoff_cap, settings.retries + 1},
      random_(std::random_device{}()) {}

net::HttpResponse ApiCalls::get(const std::string& endpoint, const std::string& url, int& refusals) {
  const std::string shown = net::url_for_messages(url);
  wait_for_window(endpoint);
  net::HttpResponse answer;
  try {
    ApiSlot slot;
    answer = client_.get(url, service_.headers);
  } catch (const net::HttpError& error) {
    if (!net::is_transient(error.kind)) throw std::runtime_error(error.what());
    throw Fault(error.what());
  }
  RateLimit limit = read_rate_limit(answer.headers, service_.limit_headers, now());
  if (answer.status == 429) {
    if (++refusals > max_refusals)
      throw std::runtime_error(service_.name + " refused " + shown + " " + std::to_string(refusals) +
                               " times in a row (HTTP 429, rate limit)");
    auto wait = rate_limit_wait(limit, true, now());
    if (wait > settings_.max_wait)
      throw std::runtime_error(service_.name + "'s rate limit for " + shown + " resets in " +
                               std::to_string(wait.count()) + " s, more than the " +
                               std::to_string(settings_.max_wait.count()) + " s allowed (max_wait)");
    announce("rate limit: HTTP 429 from " + service_.name + ", the window resets", std::chrono::duration<double>(wait));
    pause(std::chrono::duration<double>(wait));
    return answer;
  }
  limits_[endpoint] = limit;
  if (answer.status >= 500) throw Fault("HTTP " + std::to_string(answer.status) + " from " + shown);
  if (answer.status != 200) {
    std::string message = service_.refusal ? service_.refusal(answer, shown) : "";
    if (message.empty())
      message = service_.name + " answered HTTP " + std::to_string(answer.status) + " for " + shown;
    throw std::runtime_error(message);
  }
  return answer;
}

void ApiCalls::retry_after(int faults, const std::string& fault) {
  if (faults > settings_.retries)
    throw std::runtime_error("gave up after " + std::to_string(faults) + " attempts: " + fault);
  auto delay = backoff_.delay(faults, random_);
  hooks_.warn(problem::api_retry, "attempt " + std::to_string(faults) + " failed, retrying in " +
                                      seconds_text(std::chrono::duration<double>(delay).count()) + ": " + fault);
  pause(std::chrono::duration<double>(delay));
}

void ApiCalls::wait_for_window(const std::string& endpoint) {
  auto wait = rate_limit_wait(limits_[endpoint], false, now());
  limits_[endpoint] = {};
  if (wait.count() == 0) return;
  if (wait > settings_.max_wait)
    throw std::runtime_error(service_.name + "'s rate limit resets in " + std::to_string(wait.count()) +
                             " s, more than the " + std::to_string(settings_.max_wait.count()) +
                             " s allowed (max_wait)");
  announce("rate limit: no calls left in this window, it resets", std::chrono::duration<double>(wait));
  pause(std::chrono::duration<double>(wait));
}

// A rate-limit wait is news for the people watching (a "waiting" event).
void ApiCalls::announce(const std::string& reason, std::chrono::duration<double> length) {
  if (hooks_.notify_wait) hooks_.notify_wait(reason, length.count());
}

void ApiCalls::pause(std::chrono::duration<double> length) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::milliseconds>(length);
  while (std::chrono::steady_clock::now() < until) {
    if (hooks_.cancelled && hooks_.cancelled()) throw std::runtime_error("stopped while waiting for " + service_.name);
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(100), until - std::chrono::steady_clock::now()));
  }
}

}  // namespace pipectl::fetch
