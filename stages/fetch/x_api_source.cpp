#include "x_api_source.hpp"

#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "api_gate.hpp"
#include "json_reader.hpp"
#include "net/backoff.hpp"
#include "net/url.hpp"
#include "rate_limit.hpp"
#include "timeline_page.hpp"

namespace pipectl::fetch {

namespace {

// What the cards need, and nothing more.
constexpr const char* tweet_fields = "created_at,text,entities,attachments,referenced_tweets,public_metrics,note_tweet";
constexpr const char* expansions =
    "attachments.media_keys,author_id,referenced_tweets.id,referenced_tweets.id.author_id,"
    "referenced_tweets.id.attachments.media_keys";
constexpr const char* media_fields = "url,preview_image_url,type,width,height,alt_text";
constexpr const char* user_fields = "name,username,profile_image_url";
// A day of more posts than this is not a day of a person: stop rather than page for ever.
constexpr int max_pages = 200;
// 429s in a row for one call before giving up (each waits for the window to reset).
constexpr int max_refusals = 5;

std::string seconds_text(double seconds) {
  std::ostringstream text;
  text.precision(seconds < 10 ? 2 : 0);
  text << std::fixed << seconds << " s";
  return text.str();
}

class XApiCalls {
 public:
  XApiCalls(const XApiSettings& settings, const std::string& handle, const XApiHooks& hooks)
      : settings_(settings), handle_(handle), hooks_(hooks), client_(with_cancel(settings.http, hooks.cancelled)),
        backoff_{settings.backoff, settings.backoff_cap, settings.retries + 1}, random_(std::random_device{}()) {}

  // Ctrl-C stops a request in flight, not only the waits between requests.
  static net::HttpOptions with_cancel(net::HttpOptions options, const std::function<bool()>& cancelled) {
    if (!options.cancelled) options.cancelled = cancelled;
    return options;
  }

  // The body of a 200 answer to GET `url`, after waits and retries. `parse` reads it and may
  // throw DocumentError, which counts as a fault (a body cut short, garbage from a proxy).
  // `endpoint` names the rate-limit window the call counts against (each endpoint has its own).
  template <class Parse>
  auto call(const std::string& endpoint, const std::string& url, Parse parse) -> decltype(parse(std::string())) {
    std::string shown = net::url_for_messages(url);
    int faults = 0, refusals = 0;
    while (true) {
      wait_for_window(endpoint);
      std::string fault;
      try {
        net::HttpResponse response;
        {
          ApiSlot slot;
          response = client_.get(url, {{"Authorization", "Bearer " + settings_.token}});
        }
        RateLimit limit = read_rate_limit(response.headers);
        if (response.status == 429) {
          if (++refusals > max_refusals)
            throw std::runtime_error("the X API refused " + shown + " " + std::to_string(refusals) +
                                     " times in a row (HTTP 429, rate limit)");
          auto wait = rate_limit_wait(limit, true, now());
          if (wait > settings_.max_wait)
            throw std::runtime_error("the X API's rate limit for " + shown + " resets in " +
                                     std::to_string(wait.count()) + " s, more than the " +
                                     std::to_string(settings_.max_wait.count()) + " s allowed (max_wait)");
          announce("rate limit: HTTP 429 from the X API, the window resets", std::chrono::duration<double>(wait));
          pause(std::chrono::duration<double>(wait));
          continue;
        }
        limits_[endpoint] = limit;
        if (response.status >= 500) {
          fault = "HTTP " + std::to_string(response.status);
        } else if (response.status == 401) {
          throw std::runtime_error("the X API refused the bearer token (HTTP 401 for " + shown +
                                   "): check X_BEARER_TOKEN");
        } else if (response.status != 200) {
          throw std::runtime_error("the X API answered HTTP " + std::to_string(response.status) + " for " + shown +
                                   api_error_text(response.body));
        } else {
          try {
            return parse(response.body);
          } catch (const DocumentError& error) {
            // A well-formed answer of errors only (an unknown or suspended user) is the API's
            // verdict, not a fault: no retry.
            if (auto verdict = api_error_text(response.body); !verdict.empty())
              throw std::runtime_error("the X API reported for @" + handle_ + verdict);
            throw;
          }
        }
      } catch (const net::HttpError& error) {
        if (!net::is_transient(error.kind)) throw std::runtime_error(error.what());
        fault = error.what();
      } catch (const DocumentError& error) {
        fault = error.what();
      }
      if (++faults > settings_.retries)
        throw std::runtime_error("gave up after " + std::to_string(faults) + " attempts: " + fault);
      auto delay = backoff_.delay(faults, random_);
      hooks_.warn(problem::api_retry, "attempt " + std::to_string(faults) + " failed, retrying in " +
                                          seconds_text(std::chrono::duration<double>(delay).count()) + ": " + fault);
      pause(std::chrono::duration<double>(delay));
    }
  }

 private:
  static std::chrono::sys_seconds now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }

  // The previous answer of this endpoint used up its window: wait for the reset.
  void wait_for_window(const std::string& endpoint) {
    auto wait = rate_limit_wait(limits_[endpoint], false, now());
    limits_[endpoint] = {};
    if (wait.count() == 0) return;
    if (wait > settings_.max_wait)
      throw std::runtime_error("the X API's rate limit resets in " + std::to_string(wait.count()) +
                               " s, more than the " + std::to_string(settings_.max_wait.count()) +
                               " s allowed (max_wait)");
    announce("rate limit: no calls left in this window, it resets", std::chrono::duration<double>(wait));
    pause(std::chrono::duration<double>(wait));
  }

  // A rate-limit wait is news for the people watching (a "waiting" event).
  void announce(const std::string& reason, std::chrono::duration<double> length) {
    if (hooks_.notify_wait) hooks_.notify_wait(reason, length.count());
  }

  // Sleeps in short steps, so Ctrl-C is not kept waiting.
  void pause(std::chrono::duration<double> length) {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::milliseconds>(length);
    while (std::chrono::steady_clock::now() < until) {
      if (hooks_.cancelled && hooks_.cancelled()) throw std::runtime_error("stopped while waiting for the X API");
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          std::chrono::milliseconds(100), until - std::chrono::steady_clock::now()));
    }
  }

  // ": <title>: <detail>" from an X API answer that holds errors and no data, or "".
  static std::string api_error_text(const std::string& body) {
    try {
      auto page = parse_timeline_page(body, "error");
      if (page.posts.empty() && !page.errors.empty())
        return ": " + page.errors.front().title + ": " + page.errors.front().detail;
    } catch (const std::exception&) {
    }
    return {};
  }

  const XApiSettings& settings_;
  const std::string& handle_;
  const XApiHooks& hooks_;
  net::HttpClient client_;
  net::Backoff backoff_;
  std::mt19937 random_;
  std::map<std::string, RateLimit> limits_;  // the last answer's, per endpoint
};

// The page as a whole is an error (no posts, only "errors"): the account cannot be read.
void refuse_error_page(const TimelinePage& page, const std::string& handle) {
  if (!page.posts.empty() || page.errors.empty()) return;
  const ApiError& error = page.errors.front();
  bool is_protected = error.title.find("Authorization") != std::string::npos ||
                      error.detail.find("protected") != std::string::npos ||
                      error.type.find("not-authorized") != std::string::npos;
  if (is_protected)
    throw std::runtime_error("@" + handle + "'s posts are protected: " + error.detail);
  throw std::runtime_error("the X API reported for @" + handle + ": " + error.title + ": " + error.detail);
}

}  // namespace

std::string api_time_text(std::chrono::sys_seconds time) {
  auto day = std::chrono::floor<std::chrono::days>(time);
  std::chrono::year_month_day date{day};
  std::chrono::hh_mm_ss clock{time - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text;
}

StoredDay read_x_api(const XApiSettings& settings, const std::string& handle, const DayWindow& window,
                     const XApiHooks& hooks) {
  if (settings.token.empty())
    throw std::runtime_error("source=x-api needs a bearer token: set X_BEARER_TOKEN");
  std::string base = settings.api_base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  XApiCalls calls(settings, handle, hooks);

  StoredDay day;
  std::string user_url = base + "/2/users/by/username/" + net::url_encode(handle) +
                         "?user.fields=" + net::url_encode(user_fields);
  day.user = calls.call("users/by/username", user_url, [&](const std::string& body) {
    return parse_user_response(body, net::url_for_messages(user_url));
  });

  std::string timeline = base + "/2/users/" + net::url_encode(day.user.id) + "/tweets";
  std::string query = "?start_time=" + net::url_encode(api_time_text(window.start)) +
                      "&end_time=" + net::url_encode(api_time_text(window.end)) + "&max_results=100" +
                      "&tweet.fields=" + net::url_encode(tweet_fields) + "&expansions=" + net::url_encode(expansions) +
                      "&media.fields=" + net::url_encode(media_fields) + "&user.fields=" + net::url_encode(user_fields);
  std::optional<std::string> token;
  std::set<std::string> seen_tokens;
  for (int number = 1;; ++number) {
    if (number > max_pages)
      throw std::runtime_error("@" + handle + " has more than " + std::to_string(max_pages) + " pages of posts for the day");
    std::string url = timeline + query + (token ? "&pagination_token=" + net::url_encode(*token) : "");
    std::string source = net::url_for_messages(timeline) + " page " + std::to_string(number);
    TimelinePage page = calls.call("users/:id/tweets", url, [&](const std::string& body) {
      return parse_timeline_page(body, source, day.user);
    });
    if (number == 1) refuse_error_page(page, handle);
    for (const auto& found : page.problems) report(hooks.warn, found);
    for (auto& post : page.posts) day.posts.push_back(std::move(post));
    if (!page.next_token) break;
    if (!seen_tokens.insert(*page.next_token).second)
      throw std::runtime_error("the X API sent the same next_token twice for @" + handle + " (page " +
                               std::to_string(number) + ")");
    token = page.next_token;
  }
  return day;
}

}  // namespace pipectl::fetch
