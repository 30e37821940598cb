// The call loop every live source shares (X API, Bluesky, Mastodon): GET a URL until a usable
// answer comes, waiting out rate limits (a 429, or a window with nothing remaining) and saying
// so, retrying 5xx answers, dropped connections, time-outs and unreadable bodies with capped
// exponential backoff and jitter. Every call holds a slot of the run's API gate (api_gate.hpp).
// Credentials go into the service's headers only, never into a message.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "net/backoff.hpp"
#include "net/http_client.hpp"
#include "json_reader.hpp"
#include "problems.hpp"
#include "rate_limit.hpp"

namespace pipectl::fetch {

// Pages one handle's day may take from any service: far more than a person's day (200 pages of
// 100 X posts, 100 Bluesky entries or 40 Mastodon statuses), and a stop for a server that
// pages for ever.
inline constexpr int max_api_pages = 200;

// An API's address as given, without the trailing '/'s that would double the paths' first one.
inline std::string without_trailing_slashes(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// How hard to try, for any service.
struct ApiCallSettings {
  int retries = 4;                          // extra attempts after a fault
  std::chrono::milliseconds backoff{1000};  // first retry delay; doubles, with jitter
  std::chrono::milliseconds backoff_cap{30000};
  std::chrono::seconds max_wait{900};       // a longer rate-limit wait fails the handle
  net::HttpOptions http;                    // time-outs, response size cap, CA file
};

struct ApiHooks {
  Warn warn;
  std::function<void(const std::string& reason, double seconds)> notify_wait;
  std::function<bool()> cancelled;  // waits end early (std::runtime_error) once this is true
};

// What tells one service from another.
struct ApiService {
  std::string name;  // in messages: "the X API", "Bluesky", "mastodon.social"
  std::vector<std::pair<std::string, std::string>> headers;  // sent with every call
  RateLimitHeaders limit_headers;
  // The message for an answer that is not 200, 429 or 5xx (the service's verdict: an unknown
  // account, a refused token), given the answer and the URL as messages may show it. Nothing
  // is retried after it.
  std::function<std::string(const net::HttpResponse& answer, const std::string& shown)> refusal;
  // A 200 answer that `parse` could not read may still be the service's verdict (X answers an
  // unknown user with 200 and errors only): its message, or "" for a fault to retry.
  std::function<std::string(const std::string& body)> verdict;
};


class ApiCalls {
 public:
  ApiCalls(const ApiCallSettings& settings, ApiService service, const ApiHooks& hooks);

  // The value `parse` makes of the 200 answer to GET `url`, after waits and retries. `parse`
  // may throw DocumentError, which counts as a fault (a body cut short, garbage from a proxy).
  // `endpoint` names the rate-limit window the call counts against (each has its own).
  // Throws std::runtime_error naming the service and URL when it gives up or is refused.
  template <class Parse>
  auto call(const std::string& endpoint, const std::string& url, Parse parse)
      -> decltype(parse(std::declval<const net::HttpResponse&>())) {
    int faults = 0;
    int refusals = 0;
    while (true) {
      std::string fault;
      try {
        net::HttpResponse answer = get(endpoint, url, refusals);
        if (answer.status == 429) continue;  // waited out by get()
        try {
          return parse(answer);
        } catch (const DocumentError&) {
          if (service_.verdict)
            if (std::string verdict = service_.verdict(answer.body); !verdict.empty()) throw std::runtime_error(verdict);
          throw;
        }
      } catch (const Fault& failed) {
        fault = failed.what();
      } catch (const DocumentError& error) {
        fault = error.what();
      }
      retry_after(++faults, fault);
    }
  }

  const std::string& service_name() const { return service_.name; }

 private:
  struct Fault : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  // One GET: a 200 answer, or a 429 that was waited out; throws Fault for what may be retried
  // and std::runtime_error for what may not.
  net::HttpResponse get(const std::string& endpoint, const std::string& url, int& refusals);
  // After the `faults`-th fault: gives up (std::runtime_error) or warns and waits.
  void retry_after(int faults, const std::string& fault);
  // The previous answer of this endpoint used up its window: wait for the reset.
  void wait_for_window(const std::string& endpoint);
  void announce(const std::string& reason, std::chrono::duration<double> length);
  // Sleeps in short steps, so Ctrl-C is not kept waiting.
  void pause(std::chrono::duration<double> length);

  ApiCallSettings settings_;
  ApiService service_;
  ApiHooks hooks_;
  net::HttpClient client_;
  net::Backoff backoff_;
  std::mt19937 random_;
  std::map<std::string, RateLimit> limits_;  // the last answer's, per endpoint
};

}  // namespace pipectl::fetch
