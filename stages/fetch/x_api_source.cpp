#include "x_api_source.hpp"

#include <cstdio>
#include <optional>
#include <set>
#include <stdexcept>

#include "handle_forms.hpp"
#include "json_reader.hpp"
#include "net/url.hpp"
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

// ": <title>: <detail>" from an X API answer that holds errors and no data, or "".
std::string api_error_text(const std::string& body) {
  try {
    auto page = parse_timeline_page(body, "error");
    if (page.posts.empty() && !page.errors.empty())
      return ": " + page.errors.front().title + ": " + page.errors.front().detail;
  } catch (const std::exception&) {
  }
  return {};
}

ApiService x_api_service(const std::string& token, const std::string& handle) {
  ApiService service;
  service.name = "the X API";
  service.headers = {{"Authorization", "Bearer " + token}};
  service.limit_headers = x_rate_limit_headers;
  service.refusal = [](const net::HttpResponse& answer, const std::string& shown) -> std::string {
    if (answer.status == 401)
      return "the X API refused the bearer token (HTTP 401 for " + shown + "): check X_BEARER_TOKEN";
    return "the X API answered HTTP " + std::to_string(answer.status) + " for " + shown + api_error_text(answer.body);
  };
  // A well-formed answer of errors only (an unknown or suspended user) is the API's verdict.
  service.verdict = [handle](const std::string& body) -> std::string {
    std::string verdict = api_error_text(body);
    return verdict.empty() ? "" : "the X API reported for @" + handle + verdict;
  };
  return service;
}

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
  if (!is_x_username(handle))
    throw std::runtime_error("'" + handle + "' is not an X username (1-15 letters, digits or _)");
  if (settings.token.empty())
    throw std::runtime_error("source=x-api needs a bearer token: set X_BEARER_TOKEN");
  const std::string base = without_trailing_slashes(settings.api_base);
  ApiCalls calls(settings, x_api_service(settings.token, handle), hooks);

  StoredDay day;
  std::string user_url = base + "/2/users/by/username/" + net::url_encode(handle) +
                         "?user.fields=" + net::url_encode(user_fields);
  day.user = calls.call("users/by/username", user_url, [&](const net::HttpResponse& answer) {
    return parse_user_response(answer.body, net::url_for_messages(user_url));
  });

  std::string timeline = base + "/2/users/" + net::url_encode(day.user.id) + "/tweets";
  std::string query = "?start_time=" + net::url_encode(api_time_text(window.start)) +
                      "&end_time=" + net::url_encode(api_time_text(window.end)) + "&max_results=100" +
                      "&tweet.fields=" + net::url_encode(tweet_fields) + "&expansions=" + net::url_encode(expansions) +
                      "&media.fields=" + net::url_encode(media_fields) + "&user.fields=" + net::url_encode(user_fields);
  std::optional<std::string> token;
  std::set<std::string> seen_tokens;
  for (int number = 1;; ++number) {
    if (number > max_api_pages)
      throw std::runtime_error("@" + handle + " has more than " + std::to_string(max_api_pages) + " pages of posts for the day");
    std::string url = timeline + query + (token ? "&pagination_token=" + net::url_encode(*token) : "");
    std::string source = net::url_for_messages(timeline) + " page " + std::to_string(number);
    TimelinePage page = calls.call("users/:id/tweets", url, [&](const net::HttpResponse& answer) {
      return parse_timeline_page(answer.body, source, day.user);
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
