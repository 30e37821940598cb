#include "bluesky_source.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "bluesky_errors.hpp"
#include "bluesky_feed.hpp"
#include "dataset_urls.hpp"
#include "handle_forms.hpp"
#include "json_reader.hpp"
#include "net/url.hpp"

namespace pipectl::fetch {

namespace fs = std::filesystem;

namespace {

constexpr const char* profile_method = "app.bsky.actor.getProfile";
constexpr const char* feed_method = "app.bsky.feed.getAuthorFeed";

ApiService bluesky_service(const std::string& base, const std::string& handle) {
  ApiService service;
  service.name = "Bluesky";
  if (auto url = net::parse_url(base)) service.name.append(" (").append(url->authority()).append(")");
  service.limit_headers = bluesky_rate_limit_headers;
  // A 4xx with an XRPC error body is Bluesky's verdict on the handle; without one, the call
  // loop's own words (HTTP status and URL) say more.
  service.refusal = [handle](const net::HttpResponse& answer, const std::string& shown) -> std::string {
    auto error = read_xrpc_error(answer.body);
    if (!error) return {};
    std::string text = xrpc_error_text(*error, handle);
    text.append(" [HTTP ").append(std::to_string(answer.status)).append(" from ").append(shown).append("]");
    if (answer.status == 401)
      text.append(": api_base must be a public AppView, such as https://public.api.bsky.app, which needs no sign-in");
    return text;
  };
  // A 200 that is an XRPC error object is Bluesky's word too, not a fault to retry.
  service.verdict = [handle](const std::string& body) -> std::string {
    auto error = read_xrpc_error(body);
    return error ? xrpc_error_text(*error, handle) : std::string();
  };
  return service;
}

// A cursor names a file of the stored feed: nothing that could leave the folder.
bool is_safe_cursor(const std::string& cursor) {
  return !cursor.empty() && cursor.size() < 200 && cursor.front() != '.' &&
         std::all_of(cursor.begin(), cursor.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':' || c == '+' ||
                  c == '=';
         });
}

}  // namespace

StoredDay read_bluesky(const BlueskySettings& settings, const std::string& handle, const DayWindow& window,
                       const ApiHooks& hooks) {
  if (!is_domain_handle(handle))
    throw std::runtime_error(std::string("'").append(handle).append(
        "' is not a Bluesky handle (a domain name such as alice.bsky.social)"));
  const std::string base = without_trailing_slashes(settings.api_base);
  ApiCalls calls(settings, bluesky_service(base, handle), hooks);

  StoredDay day;
  const std::string actor = "?actor=" + net::url_encode(handle);
  const std::string profile_url = base + "/xrpc/" + profile_method + actor;
  day.user = calls.call(profile_method, profile_url, [&](const net::HttpResponse& answer) {
    return parse_bluesky_profile(answer.body, net::url_for_messages(profile_url));
  });

  const std::string feed = base + "/xrpc/" + feed_method;
  std::optional<std::string> cursor;
  std::set<std::string> seen_cursors;
  for (int number = 1;; ++number) {
    if (number > max_api_pages)
      throw std::runtime_error("Bluesky's feed of '" + handle + "' needs more than " + std::to_string(max_api_pages) +
                               " pages of 100 to reach back to the day; choose a later day");
    const std::string url = feed + actor + "&filter=posts_with_replies&limit=100" +
                            (cursor ? "&cursor=" + net::url_encode(*cursor) : std::string());
    const std::string source = net::url_for_messages(feed) + " page " + std::to_string(number);
    BlueskyFeedPage page = calls.call(feed_method, url, [&](const net::HttpResponse& answer) {
      return parse_bluesky_feed(answer.body, source, day.user);
    });
    for (const auto& found : page.problems) report(hooks.warn, found);
    for (auto& post : page.posts) day.posts.push_back(std::move(post));
    // Newest first: once a page reaches back before the day, later pages hold nothing of it.
    if (!page.cursor || (page.oldest && *page.oldest < window.start)) break;
    if (!seen_cursors.insert(*page.cursor).second)
      throw std::runtime_error("Bluesky sent the same cursor twice for '" + handle + "' (page " +
                               std::to_string(number) + ")");
    cursor = page.cursor;
  }
  return day;
}

bool is_stored_bluesky(const fs::path& dir, const std::string& handle) {
  return fs::is_regular_file(dir / handle / "profile.json") || fs::is_directory(dir / handle / "feed");
}

StoredDay read_stored_bluesky(const fs::path& dir, const std::string& handle, const Warn& warn) {
  const fs::path folder = dir / handle;
  const std::string profile_file = (folder / "profile.json").string();
  const std::string profile = read_file(profile_file);
  // A stored refusal (an account taken down) fails the handle as the live answer would.
  if (auto error = read_xrpc_error(profile)) throw std::runtime_error(profile_file + ": " + xrpc_error_text(*error, handle));

  StoredDay day;
  day.user = parse_bluesky_profile(profile, profile_file);
  day.user.avatar_url = resolve_dataset_url(day.user.avatar_url, dir);
  std::set<std::string> seen;
  std::string name = "page-1";
  while (true) {
    const fs::path page_file = folder / "feed" / (name + ".json");
    const bool first = seen.empty();
    seen.insert(name);
    BlueskyFeedPage page;
    try {
      page = parse_bluesky_feed(read_file(page_file.string()), page_file.string(), day.user);
    } catch (const DocumentError& error) {
      // Without the first page there is nothing; a later bad page loses only its own posts.
      if (first) throw std::runtime_error(error.what());
      warn(problem::page_lost, std::string(error.what()) + " (its posts are lost)");
      break;
    }
    for (const auto& found : page.problems) report(warn, found);
    for (auto& post : page.posts) {
      resolve_dataset_urls(post, dir);
      day.posts.push_back(std::move(post));
    }
    if (!page.cursor) break;
    if (!is_safe_cursor(*page.cursor) || seen.count(*page.cursor)) {
      warn(problem::page_lost, page_file.string() + ": cursor '" + page.cursor->substr(0, 80) +
                                   "' does not name a new page; stopping there");
      break;
    }
    name = *page.cursor;
  }
  return day;
}

}  // namespace pipectl::fetch
