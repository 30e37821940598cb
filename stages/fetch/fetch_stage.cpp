// The fetch stage: the posts of one handle's day, oldest first, from one of its sources:
// stored X API pages (the bundled samples), the live X API, an X archive, or twarc2 JSONL.
#include <cstdlib>
#include <filesystem>

#include "builtin.hpp"
#include "day_window.hpp"
#include "pipectl/item.hpp"
#include "select_day.hpp"
#include "stored_pages.hpp"
#include "twarc2_file.hpp"
#include "x_api_source.hpp"
#include "x_archive.hpp"

namespace pipectl {

namespace {

namespace fs = std::filesystem;

// A path parameter: absolute, or relative to the graph file's folder.
fs::path graph_relative(const std::string& text, const RunContext& context) {
  fs::path path = text;
  return path.is_absolute() ? path : fs::path(context.graph_dir) / path;
}

fetch::XApiSettings x_api_settings(const Params& params, const RunContext& context) {
  fetch::XApiSettings settings;
  settings.api_base = params.text("api_base");
  if (!settings.api_base.starts_with("https://") && !settings.api_base.starts_with("http://"))
    throw std::invalid_argument("api_base \"" + settings.api_base + "\" is not an http(s):// URL");
  if (const char* token = std::getenv("X_BEARER_TOKEN")) settings.token = token;
  settings.retries = static_cast<int>(params.integer("retries"));
  auto millis = [](double seconds) { return std::chrono::milliseconds(static_cast<long long>(seconds * 1000)); };
  settings.backoff = millis(params.duration_seconds("backoff"));
  settings.backoff_cap = millis(params.duration_seconds("backoff_cap"));
  settings.max_wait = std::chrono::seconds(static_cast<long long>(params.duration_seconds("max_wait")));
  settings.http.connect_timeout = millis(params.duration_seconds("connect_timeout"));
  settings.http.read_timeout = millis(params.duration_seconds("timeout"));
  settings.http.max_body_bytes = static_cast<std::uint64_t>(params.integer("max_response"));
  if (!params.text("ca_file").empty()) settings.http.ca_file = graph_relative(params.text("ca_file"), context).string();
  return settings;
}

class FetchStage : public Stage {
 public:
  FetchStage(const Params& params, const RunContext& context) : context_(context) {
    source_ = params.text("source");
    if (source_ == "stored") {
      path_ = graph_relative(params.text("dir"), context);
      if (!fs::is_directory(path_))
        throw std::invalid_argument("dir \"" + params.text("dir") + "\" is not a folder (looked at " +
                                    path_.string() + "; a relative dir is relative to the graph file)");
    } else if (source_ == "archive") {
      path_ = graph_relative(params.text("archive"), context);
    } else if (source_ == "twarc2") {
      path_ = graph_relative(params.text("file"), context);
    } else if (source_ == "x-api") {
      x_api_ = x_api_settings(params, context);
    } else {
      throw std::invalid_argument("source '" + source_ + "' is not one of stored, x-api, archive, twarc2");
    }
    window_ = fetch::day_window(context.date, context.tz.empty() ? "UTC" : context.tz);
  }

  void start(Emitter& out) override {
    auto day = fetch::select_day(read_day().posts, window_, warn_);
    if (context_.expect_items) context_.expect_items(day.size());
    for (auto& post : day) out.emit(Item::make(std::move(post)));
  }

 private:
  fetch::StoredDay read_day() {
    const std::string& handle = context_.handle;
    if (source_ == "stored") return fetch::read_stored_pages(path_.string(), handle, warn_);
    if (source_ == "archive") return fetch::read_x_archive(path_.string(), handle, warn_);
    if (source_ == "twarc2") return fetch::read_twarc2(path_.string(), handle, warn_);
    fetch::XApiHooks hooks{warn_, context_.notify_wait, context_.cancelled};
    return fetch::read_x_api(x_api_, handle, window_, hooks);
  }

  RunContext context_;
  fetch::Warn warn_ = [this](const std::string& kind, const std::string& message) {
    if (context_.warn) context_.warn(kind, message);
  };
  std::string source_;
  fs::path path_;
  fetch::XApiSettings x_api_;
  fetch::DayWindow window_{};
};

}  // namespace

void register_fetch_stage(Registry& registry) {
  registry.add(StageInfo{
      .name = "fetch",
      .summary = "Reads the posts of one handle's day ({date} in {tz}), oldest first",
      .inputs = {},
      .outputs = {{"out", "post"}},
      .params = {
          {.name = "source", .type = ParamType::string, .default_value = "stored",
           .doc = "where posts come from: 'stored' = X API v2 response pages on disk (see dir); 'x-api' = the "
                  "live X API v2 (token in X_BEARER_TOKEN); 'archive' = an X archive (see archive); "
                  "'twarc2' = twarc2 JSONL (see file)"},
          {.name = "dir", .type = ParamType::string, .default_value = "../data/sample",
           .doc = "stored: folder of stored pages, <dir>/<handle>/pages/page-1.json; relative to the graph file"},
          {.name = "archive", .type = ParamType::string, .default_value = "archive",
           .doc = "archive: the unzipped X archive (the folder holding data/tweets.js); relative to the graph file"},
          {.name = "file", .type = ParamType::string, .default_value = "{handle}.jsonl",
           .doc = "twarc2: the JSONL file, one API response page per line; relative to the graph file"},
          {.name = "api_base", .type = ParamType::string, .default_value = "https://api.x.com",
           .doc = "x-api: the API's address (tests point it at a loopback server)"},
          {.name = "ca_file", .type = ParamType::string, .default_value = "",
           .doc = "x-api: PEM file of the CAs to trust; empty: the system's"},
          {.name = "timeout", .type = ParamType::duration, .default_value = "30s",
           .doc = "x-api: longest wait for an answer", .min = 0.01},
          {.name = "connect_timeout", .type = ParamType::duration, .default_value = "10s",
           .doc = "x-api: longest wait for a connection", .min = 0.01},
          {.name = "max_response", .type = ParamType::integer, .default_value = "33554432",
           .doc = "x-api: largest answer accepted, in bytes (a page of 100 posts is well under 1 MB)", .min = 1024.0},
          {.name = "retries", .type = ParamType::integer, .default_value = "4",
           .doc = "x-api: attempts after a 5xx, a dropped connection or a time-out", .min = 0.0, .max = 20.0},
          {.name = "backoff", .type = ParamType::duration, .default_value = "1s",
           .doc = "x-api: wait before the first retry; doubles each time, with jitter", .min = 0.0},
          {.name = "backoff_cap", .type = ParamType::duration, .default_value = "30s",
           .doc = "x-api: longest wait between retries", .min = 0.0},
          {.name = "max_wait", .type = ParamType::duration, .default_value = "15m",
           .doc = "x-api: longest rate-limit wait accepted; a later reset fails the handle", .min = 0.0},
      },
      .create = [](const Params& params, const RunContext& context) -> std::unique_ptr<Stage> {
        return std::make_unique<FetchStage>(params, context);
      },
  });
}

}  // namespace pipectl
