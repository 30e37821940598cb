#include "supervisor_options.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <iostream>

#include "arguments.hpp"
#include "pipectl/params.hpp"
#include "pipectl/write_errors.hpp"

namespace pipectl::cli {

const char* const supervisor_options_help =
    R"(  --out DIR         output folder (default: out); nothing is written outside it
  --out s3://BUCKET/PREFIX  upload each video and its subtitles to an S3-compatible store
                    under PREFIX, with the same names as in a folder (AWS S3, MinIO, Ceph):
                    credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
                    AWS_SESSION_TOKEN, AWS_REGION, the server from AWS_ENDPOINT_URL. A video
                    is made locally under --stage-dir first; a complete object is skipped.
  --stage-dir DIR   with --out s3://: the local folder videos are made in before they go
                    up (default: $TMPDIR/pipectl-stage-UID); emptied of each upload
  -j N, --jobs N    handles at a time, one process each (default: the number of cores);
                    each gets cores / N threads (N at most the number of handles)
  --api-concurrency N  X API calls in flight at once, across all handles (default 4: each
                    handle needs only a few calls, so more would not speed a run up; a
                    small cap keeps hundreds of handles from bursting into the rate limits)
  --timeout D       stop a handle's attempt after D (e.g. 90s, 10m) and count it as failed
  --retry N         run a failed handle again, up to N more times (default 0)
  --force           remake videos that are already complete
  --events FILE     write every event as a JSON line to FILE: started, progress, waiting,
                    warning, finished, failed, retrying, skipped, removed, notified; each
                    with "event", "time" (UTC) and "handle" (see README)
  --notify URL      POST each handle's outcome (JSON: video, subtitles, duration, posts,
                    cards, warnings; or the error) to URL once its video is complete, signed
                    with an HMAC-SHA256 of PIPECTL_NOTIFY_SECRET (X-Pipectl-Signature); retried
                    with backoff, never holding up the next handle
  --status-port P   serve a status page on http://127.0.0.1:P/ while the run goes on:
                    progress, and a player for each finished video; /status.json for
                    scripts. P = 0 picks a free port; the URL is printed first.
  --status-bind A   the address the status page listens on (default 127.0.0.1; 0.0.0.0
                    shows it to the network, with no password)
  --plain           plain log lines even on a terminal
)";

std::optional<std::string> supervisor_option(const std::vector<std::string>& args, std::size_t& i,
                                             SupervisorOptions& options) {
  const std::string& arg = args[i];
  if (auto out = option_value(args, i, "--out")) {
    if (out->empty()) return std::string("--out needs a folder or s3://BUCKET/PREFIX");
    if (is_s3_url(*out)) {
      std::string problem;
      options.s3 = parse_s3_url(*out, problem);
      if (!options.s3) return "--out " + problem;
      return std::string();
    }
    options.s3.reset();
    // "out/" and "out" name the same folder; keep paths in messages clean.
    options.out = std::filesystem::path(*out).lexically_normal().string();
    while (options.out.size() > 1 && options.out.back() == '/') options.out.pop_back();
    return std::string();
  }
  if (auto stage = option_value(args, i, "--stage-dir")) {
    if (stage->empty()) return std::string("--stage-dir needs a folder");
    options.stage_dir = *stage;
    return std::string();
  }
  if (arg == "-j" || arg == "--jobs" || (arg.starts_with("-j") && arg.size() > 2) || arg.starts_with("--jobs=")) {
    std::string value;
    if (arg == "-j" || arg == "--jobs") {
      if (i + 1 >= args.size()) return arg + " needs a number of handles at a time";
      value = args[++i];
    } else {
      value = arg.starts_with("--jobs=") ? arg.substr(7) : arg.substr(2);
    }
    auto jobs = parse_count(value, 1, 1024);
    if (!jobs) return "-j '" + value + "' is not a number from 1 to 1024";
    options.jobs = *jobs;
    return std::string();
  }
  if (auto events = option_value(args, i, "--events")) {
    if (events->empty()) return std::string("--events needs a file");
    options.events = *events;
    return std::string();
  }
  if (auto timeout = option_value(args, i, "--timeout")) {
    auto seconds = parse_duration_seconds(*timeout);
    if (!seconds || *seconds <= 0) return "--timeout '" + *timeout + "' is not a duration such as 90s or 10m";
    options.timeout = *seconds;
    return std::string();
  }
  if (auto slots = option_value(args, i, "--api-concurrency")) {
    auto count = parse_count(*slots, 1, 256);
    if (!count) return "--api-concurrency '" + *slots + "' is not a number from 1 to 256";
    options.api_concurrency = *count;
    return std::string();
  }
  if (auto retries = option_value(args, i, "--retry")) {
    auto count = parse_count(*retries, 0, 100);
    if (!count) return "--retry '" + *retries + "' is not a number from 0 to 100";
    options.retries = *count;
    return std::string();
  }
  if (auto notify = option_value(args, i, "--notify")) {
    if (!notify->starts_with("http://") && !notify->starts_with("https://"))
      return "--notify '" + *notify + "' is not an http:// or https:// URL";
    options.notify = *notify;
    return std::string();
  }
  if (auto problem = status_page_option(args, i, options.status_port, options.status_bind)) return problem;
  if (arg == "--force") {
    options.force = true;
    return std::string();
  }
  if (arg == "--plain") {
    options.plain = true;
    return std::string();
  }
  return std::nullopt;
}

namespace {

// Why no file can be made in `folder`, or empty when one can. create_directories succeeds on a
// folder that exists but cannot be written (its mode, a read-only mount), and a run would learn
// it only when the first handle, done fetching and drawing, opens its video: so a file is made
// and removed here, before any work.
std::string unwritable_reason(const std::string& folder) {
  const auto probe = std::filesystem::path(folder) / (".pipectl-write-check-" + std::to_string(::getpid()));
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return pipectl::write_error_text(errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return {};
}

}  // namespace

std::string local_output_folder(const SupervisorOptions& options) {
  if (!options.s3) return options.out;
  if (!options.stage_dir.empty()) return options.stage_dir;
  return (std::filesystem::temp_directory_path() / ("pipectl-stage-" + std::to_string(::getuid()))).string();
}

bool prepare_outputs(SupervisorOptions& options, const std::string& command) {
  if (options.s3) {
    std::string problem;
    if (!s3_settings_from(process_environment_map(), problem)) {
      std::cerr << "pipectl " << command << ": --out " << options.s3->url_of("") << ": " << problem << '\n';
      return false;
    }
    options.out = local_output_folder(options);
  } else if (!options.stage_dir.empty()) {
    std::cerr << "pipectl " << command << ": --stage-dir is for --out s3://...; videos are made in --out itself\n";
    return false;
  }
  std::error_code error;
  std::filesystem::create_directories(options.out, error);
  if (error) {
    std::cerr << "pipectl " << command << ": cannot create the output folder " << options.out << ": "
              << pipectl::write_error_text(error.value()) << '\n';
    return false;
  }
  if (auto reason = unwritable_reason(options.out); !reason.empty()) {
    std::cerr << "pipectl " << command << ": cannot write in the output folder " << options.out << ": " << reason << '\n';
    return false;
  }
  return true;
}

void apply_options(const SupervisorOptions& options, RunPlan& plan) {
  plan.out = options.out;
  plan.s3 = options.s3;
  plan.jobs = options.jobs ? options.jobs : default_jobs();
  plan.events_path = options.events;
  plan.timeout_seconds = options.timeout;
  plan.retries = options.retries;
  plan.api_concurrency = options.api_concurrency;
  plan.force = options.force;
  plan.status_port = options.status_port;
  plan.status_bind = options.status_bind;
  plan.notify_url = options.notify;
}

}  // namespace pipectl::cli
