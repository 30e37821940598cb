// The fetch stage: the posts of one handle's day, oldest first, from one of its sources:
// stored API answers (the bundled samples: X, Bluesky or Mastodon), the live X API, Bluesky's
// public AppView, a Mastodon instance's public API, an X archive, or twarc2 JSONL.
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "fetch.hpp"
#include "api_gate.hpp"
#include "bluesky_source.hpp"
#include "pipectl/output_folder.hpp"
#include "pipectl/stage_declaration.hpp"
#include "dataset_urls.hpp"
#include "day_window.hpp"
#include "handle_forms.hpp"
#include "mastodon_source.hpp"
#include "pipectl/item.hpp"
#include "select_day.hpp"
#include "stored_answers.hpp"
#include "twarc2_file.hpp"
#include "x_api_source.hpp"
#include "x_archive.hpp"

namespace pipectl {

namespace {

namespace fs = std::filesystem;

struct FetchSettings {
  std::string source;
  fs::path dir;
  fs::path archive;
  fs::path file;
  std::string api_base;
  std::string ca_file;
  Duration timeout;
  Duration connect_timeout;
  std::uint64_t max_response = 0;
  int retries = 0;
  Duration backoff;
  Duration backoff_cap;
  Duration max_wait;
  std::string handle;  // run variables: whose day, which day, in which zone
  std::string date;
  std::string tz;
};

const Output<items::Post> posts_out{"out"};

// How hard any live source tries.
void set_call_settings(fetch::ApiCallSettings& settings, const FetchSettings& given) {
  settings.retries = given.retries;
  settings.backoff = given.backoff.milliseconds();
  settings.backoff_cap = given.backoff_cap.milliseconds();
  settings.max_wait = std::chrono::seconds(static_cast<long long>(given.max_wait.seconds));
  settings.http.connect_timeout = given.connect_timeout.milliseconds();
  settings.http.read_timeout = given.timeout.milliseconds();
  settings.http.max_body_bytes = given.max_response;
  settings.http.ca_file = given.ca_file;
}

fetch::XApiSettings x_api_settings(const FetchSettings& given) {
  fetch::XApiSettings settings;
  set_call_settings(settings, given);
  if (!given.api_base.empty()) settings.api_base = given.api_base;
  if (const char* token = std::getenv("X_BEARER_TOKEN")) settings.token = token;
  return settings;
}

fetch::BlueskySettings bluesky_settings(const FetchSettings& given) {
  fetch::BlueskySettings settings;
  set_call_settings(settings, given);
  if (!given.api_base.empty()) settings.api_base = given.api_base;
  return settings;
}

fetch::MastodonSettings mastodon_settings(const FetchSettings& given) {
  fetch::MastodonSettings settings;
  set_call_settings(settings, given);
  settings.api_base = given.api_base;
  return settings;
}

class FetchStage : public StageFor<> {
 public:
  FetchStage(const FetchSettings& settings, const RunContext& context)
      : context_(context), settings_(settings) {
    if (settings_.source == "x-api") x_api_ = x_api_settings(settings_);
    if (settings_.source == "bluesky") bluesky_ = bluesky_settings(settings_);
    if (settings_.source == "mastodon") mastodon_ = mastodon_settings(settings_);
    window_ = fetch::day_window(settings_.date, settings_.tz.empty() ? "UTC" : settings_.tz);
  }

  void start(Emitter& out) override {
    auto day = fetch::select_day(read_day().posts, window_, warn_);
    if (context_.expect_items) context_.expect_items(day.size());
    for (auto& post : day) posts_out.emit(out, std::move(post));
  }

 private:
  fetch::StoredDay read_day() {
    const std::string& handle = settings_.handle;
    const std::string& source = settings_.source;
    if (source == "stored") return fetch::read_stored_answers(settings_.dir, handle, warn_);
    if (source == "archive") return fetch::read_x_archive(settings_.archive.string(), handle, warn_);
    if (source == "twarc2") return fetch::read_twarc2(settings_.file.string(), handle, warn_);
    fetch::ApiHooks hooks{warn_, context_.notify_wait, context_.cancelled};
    fetch::StoredDay day = source == "bluesky"    ? fetch::read_bluesky(bluesky_, handle, window_, hooks)
                           : source == "mastodon" ? fetch::read_mastodon(mastodon_, handle, window_, hooks)
                                                  : fetch::read_x_api(x_api_, handle, window_, hooks);
    fetch::keep_web_pictures(day, source, warn_);
    return day;
  }

  RunContext context_;
  FetchSettings settings_;
  fetch::Warn warn_ = [this](const std::string& kind, const std::string& message) {
    if (context_.warn) context_.warn(kind, message);
  };
  fetch::XApiSettings x_api_;
  fetch::BlueskySettings bluesky_;
  fetch::MastodonSettings mastodon_;
  fetch::DayWindow window_{};
};

}  // namespace

namespace fetch {

bool is_date(const std::string& text) { return parse_date(text).has_value(); }

bool is_handle(const std::string& handle) {
  return is_x_username(handle) || is_domain_handle(handle) || is_fediverse_address(handle);
}

bool is_time_zone(const std::string& tz) {
  try {
    check_time_zone(tz);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

}  // namespace fetch

StageInfo fetch_stage() {
  using S = FetchSettings;
  return declare_stage<S>("fetch", "Reads the posts of one handle's day ({date} in {tz}), oldest first")
      .output(posts_out)
      .param("source", &S::source, "stored",
             "where posts come from: 'stored' = API answers on disk (see dir); 'x-api' = the live X API v2 (token in "
             "X_BEARER_TOKEN); 'bluesky' = Bluesky's public AppView, any public account, no token (the handle is a "
             "domain name such as alice.bsky.social); 'mastodon' = the public API of the handle's instance, no token "
             "(the handle is user@instance); 'archive' = an X archive (see archive); 'twarc2' = twarc2 JSONL (see file)")
      .choices({"stored", "x-api", "bluesky", "mastodon", "archive", "twarc2"})
      .param("dir", &S::dir, "../data/sample",
             "stored: folder of stored answers: X, <dir>/<handle>/user.json and pages/page-1.json; Bluesky, "
             "<dir>/<handle>/profile.json and feed/page-1.json; Mastodon, <dir>/<user@instance>/account.json and "
             "statuses/page-1.json")
      .relative_to_graph()
      .param("archive", &S::archive, "archive", "archive: the unzipped X archive (the folder holding data/tweets.js)")
      .relative_to_graph()
      .param("file", &S::file, "{handle}.jsonl", "twarc2: the JSONL file, one API response page per line")
      .relative_to_graph()
      .param("api_base", &S::api_base, "",
             "live sources: the API's address; empty: the network's own (x-api: https://api.x.com; bluesky: "
             "https://public.api.bsky.app; mastodon: https://<instance of the handle>) (tests point it at a loopback "
             "server)")
      .param("ca_file", &S::ca_file, "", "live sources: PEM file of the CAs to trust; empty: the system's")
      .relative_to_graph()
      .param("timeout", &S::timeout, "30s", "live sources: longest wait for an answer").range(0.01, std::nullopt)
      .param("connect_timeout", &S::connect_timeout, "10s", "live sources: longest wait for a connection").range(0.01, std::nullopt)
      .param("max_response", &S::max_response, "33554432",
             "live sources: largest answer accepted (a page of 100 posts is well under 1 MB)")
      .range(1024.0, std::nullopt).unit("bytes")
      .param("retries", &S::retries, "4", "live sources: attempts after a 5xx, a dropped connection or a time-out").range(0, 20)
      .param("backoff", &S::backoff, "1s", "live sources: wait before the first retry; doubles each time, with jitter").range(0, std::nullopt)
      .param("backoff_cap", &S::backoff_cap, "30s", "live sources: longest wait between retries").range(0, std::nullopt)
      .param("max_wait", &S::max_wait, "15m", "live sources: longest rate-limit wait accepted; a later reset fails the handle")
      .range(0, std::nullopt)
      .variable("handle", &S::handle)
      .variable("date", &S::date)
      .variable("tz", &S::tz)
      .rule({"dir"}, [](const S& settings, const RunContext&) -> std::optional<std::string> {
        if (settings.source != "stored" || fs::is_directory(settings.dir)) return std::nullopt;
        return "\"" + settings.dir.string() + "\" is not a folder (a relative dir is relative to the graph file)";
      })
      .rule({"archive"}, [](const S& settings, const RunContext&) -> std::optional<std::string> {
        if (settings.source != "archive" || fs::is_directory(settings.archive)) return std::nullopt;
        return "\"" + settings.archive.string() + "\" is not a folder (the unzipped archive; relative to the graph file)";
      })
      .rule({"api_base"}, [](const S& settings, const RunContext&) -> std::optional<std::string> {
        const std::string& base = settings.api_base;
        if (base.empty() || base.starts_with("https://") || base.starts_with("http://")) return std::nullopt;
        return "\"" + settings.api_base + "\" is not an http(s):// URL";
      })
      .rule({"ca_file"}, [](const S& settings, const RunContext&) { return missing_file(settings.ca_file); })
      .rule({}, [](const S& settings, const RunContext&) -> std::optional<std::string> {
        if (fetch::is_date(settings.date)) return std::nullopt;
        return "the run's date '" + settings.date + "' is not a day written YYYY-MM-DD";
      })
      .rule({}, [](const S& settings, const RunContext&) -> std::optional<std::string> {
        if (settings.tz.empty() || fetch::is_time_zone(settings.tz)) return std::nullopt;
        return "the run's time zone '" + settings.tz + "' is not an IANA time zone (e.g. UTC, Europe/Paris)";
      })
      // The X API's limit on calls at once holds across every handle of the run: the command
      // sets it up before it forks (--api-concurrency, the run variable api_concurrency), and
      // the handles share lock files in the output folder (api_gate.hpp).
      .prepare_process([](const RunContext& context) {
        const std::string& given = context.variable("api_concurrency");
        const int slots = given.empty() ? 4 : std::max(1, std::stoi(given));
        fetch::configure_api_gate(slots, fs::path(context.out_dir) / ".pipectl" / "api-slots");
      })
      .creates<FetchStage>();
}

}  // namespace pipectl
