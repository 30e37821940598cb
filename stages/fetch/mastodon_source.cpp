#include "mastodon_source.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>

#include "dataset_urls.hpp"
#include "handle_forms.hpp"
#include "json_reader.hpp"
#include "link_header.hpp"
#include "mastodon_statuses.hpp"
#include "net/url.hpp"
#include "stored_page_names.hpp"

namespace pipectl::fetch {

namespace fs = std::filesystem;

namespace {

// Mastodon's largest page.
constexpr int page_size = 40;
// Every call counts against one window: Mastodon limits all its endpoints together (300 calls
// in 5 minutes per address).
constexpr const char* rate_window = "api/v1";

std::string instance_of(const std::string& handle) {
  const std::size_t at = handle.rfind('@');
  return at == std::string::npos ? std::string() : handle.substr(at + 1);
}

// The refusals the docs list for these calls, each said in the words a user can act on.
std::string refusal_message(const net::HttpResponse& answer, const std::string& shown, const std::string& instance,
                            const std::string& handle) {
  const std::optional<std::string> said = mastodon_error_message(answer.body);
  const std::string why = "HTTP " + std::to_string(answer.status) + (said ? ": " + *said : std::string()) + ", " + shown;
  switch (answer.status) {
    case 404: return instance + " has no account @" + handle + " (" + why + ")";
    case 410: return "@" + handle + " is gone from " + instance + ": suspended or deleted (" + why + ")";
    case 401:
      return instance + " shows its accounts only to logged-in users (" + why + "); pipectl reads public posts only";
    case 403: return instance + " refuses to show @" + handle + "'s posts (" + why + ")";
    default: return instance + " answered " + why;
  }
}

ApiService mastodon_service(const std::string& instance, const std::string& handle) {
  ApiService service;
  service.name = instance;
  service.headers = {{"Accept", "application/json"}};
  service.limit_headers = mastodon_rate_limit_headers;
  service.refusal = [instance, handle](const net::HttpResponse& answer, const std::string& shown) {
    return refusal_message(answer, shown, instance, handle);
  };
  // A 200 that holds only {"error": "..."} is the server's word too, not a fault to retry.
  service.verdict = [instance, handle](const std::string& body) -> std::string {
    const std::optional<std::string> said = mastodon_error_message(body);
    return said ? instance + " answered for @" + handle + ": " + *said : std::string();
  };
  return service;
}

bool same_origin(const net::Url& a, const net::Url& b) { return a.scheme == b.scheme && a.host == b.host && a.port == b.port; }

// One answer of the statuses call: the page, and where its Link header says the next one is.
struct StatusesAnswer {
  StatusesPage page;
  bool has_link = false;               // the answer carried a Link header
  bool says_next = false;              // ... with a rel="next"
  std::optional<net::Url> next;        // that next, resolved against the URL that answered
};

StatusesAnswer read_answer(const net::HttpResponse& answer, const std::string& url, const std::string& source,
                           const std::string& instance, const items::Author& user) {
  StatusesAnswer read{parse_statuses_page(answer.body, source, instance, user), false, false, std::nullopt};
  auto link = answer.headers.find("link");
  if (link == answer.headers.end()) return read;
  read.has_link = true;
  if (std::optional<std::string> target = link_target(link->second, "next")) {
    read.says_next = true;
    if (std::optional<net::Url> answered = net::parse_url(answer.url.empty() ? url : answer.url))
      read.next = net::resolve_location(*answered, *target);
  }
  return read;
}

// Whether a page holds a status from before the day: every later page is older still.
bool reaches_before(const StatusesPage& page, const DayWindow& window) {
  return std::any_of(page.posts.begin(), page.posts.end(),
                     [&](const items::Post& post) { return post.created_at < window.start; });
}

}  // namespace

StoredDay read_mastodon(const MastodonSettings& settings, const std::string& handle, const DayWindow& window,
                        const ApiHooks& hooks) {
  if (!is_fediverse_address(handle))
    throw std::runtime_error("'" + handle + "' is not a Mastodon address (user@instance, e.g. @ada@mastodon.social)");
  const std::string instance = instance_of(handle);
  const std::string base = without_trailing_slashes(settings.api_base.empty() ? "https://" + instance : settings.api_base);
  const std::optional<net::Url> origin = net::parse_url(base);
  if (!origin) throw std::runtime_error("the Mastodon API address '" + base + "' is not an http(s) URL");
  ApiCalls calls(settings, mastodon_service(instance, handle), hooks);

  StoredDay day;
  const std::string lookup = base + "/api/v1/accounts/lookup?acct=" + net::url_encode(handle);
  day.user = calls.call(rate_window, lookup, [&](const net::HttpResponse& answer) {
    return parse_mastodon_account(answer.body, net::url_for_messages(lookup), instance);
  });

  const std::string statuses = base + "/api/v1/accounts/" + net::url_encode(day.user.id) + "/statuses";
  const std::string first = statuses + "?limit=" + std::to_string(page_size);
  std::string url = first;
  std::set<std::string> seen{url};
  for (int number = 1;; ++number) {
    if (number > max_api_pages)
      throw std::runtime_error("@" + handle + " has more than " + std::to_string(max_api_pages) + " pages (" +
                               std::to_string(max_api_pages * page_size) + " statuses) between now and the day");
    const std::string source = net::url_for_messages(statuses) + " page " + std::to_string(number);
    StatusesAnswer answer = calls.call(rate_window, url, [&](const net::HttpResponse& response) {
      return read_answer(response, url, source, instance, day.user);
    });
    for (const auto& found : answer.page.problems) report(hooks.warn, found);
    const bool done = answer.page.entries == 0 || reaches_before(answer.page, window);
    for (auto& post : answer.page.posts) day.posts.push_back(std::move(post));
    if (done) break;

    // The next page: where the Link header says, on the same server only; without a Link,
    // below the page's oldest status. A Link without rel="next" is the end of the list.
    std::optional<std::string> next;
    if (answer.next && same_origin(*answer.next, *origin)) {
      next = answer.next->text();
    } else if (answer.next) {
      hooks.warn(problem::api_error, source + ": the next page is on another server (" + answer.next->origin() +
                                         "), not followed; the next page is asked of " + origin->origin() + " by max_id");
    } else if (answer.says_next) {
      hooks.warn(problem::api_error, source + ": the Link header's next page is not a URL; the next page is asked by max_id");
    }
    if (!next && (!answer.has_link || answer.says_next) && answer.page.last_id)
      next = first + "&max_id=" + net::url_encode(*answer.page.last_id);
    if (!next) break;
    if (!seen.insert(*next).second)
      throw std::runtime_error(instance + " sent the same next page twice for @" + handle + " (after page " +
                               std::to_string(number) + ")");
    url = *next;
  }
  return day;
}

StoredDay read_stored_mastodon(const fs::path& dir, const std::string& handle, const Warn& warn) {
  const fs::path folder = dir / handle;
  const std::string instance = instance_of(handle);
  StoredDay day;
  const std::string account_file = (folder / "account.json").string();
  day.user = parse_mastodon_account(read_file(account_file), account_file, instance);
  day.user.avatar_url = resolve_dataset_url(day.user.avatar_url, dir);

  std::set<std::string> seen;
  std::string name = "page-1";
  while (true) {
    const fs::path page_file = folder / "statuses" / (name + ".json");
    const bool first = seen.empty();
    seen.insert(name);
    StatusesPage page;
    try {
      page = parse_statuses_page(read_file(page_file.string()), page_file.string(), instance, day.user);
    } catch (const DocumentError& error) {
      // Without the first page there is nothing; a later bad page loses only its own statuses.
      if (first) throw std::runtime_error(error.what());
      warn(problem::page_lost, std::string(error.what()) + " (its statuses are lost)");
      break;
    }
    for (const auto& found : page.problems) report(warn, found);
    for (auto& post : page.posts) {
      resolve_dataset_urls(post, dir);
      day.posts.push_back(std::move(post));
    }
    if (!page.last_id) break;
    const std::string& next = *page.last_id;
    if (!is_page_name(next) || seen.count(next)) {
      warn(problem::page_lost, page_file.string() + ": its last status id '" + next.substr(0, 40) +
                                   "' does not name a new page; stopping there");
      break;
    }
    if (!fs::exists(folder / "statuses" / (next + ".json"))) break;  // the oldest page stored
    name = next;
  }
  return day;
}

}  // namespace pipectl::fetch
