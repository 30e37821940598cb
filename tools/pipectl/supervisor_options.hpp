// The options of the supervisor that `pipectl run` and `pipectl worker` share: where outputs
// go, how many handles at a time, time-outs, retries, events, the status page, notification.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "supervisor.hpp"

namespace pipectl::cli {

struct SupervisorOptions {
  std::string out = "out";            // --out DIR, or the staging folder under --out s3://
  std::optional<S3Location> s3;       // --out s3://BUCKET/PREFIX
  std::string stage_dir;              // --stage-dir DIR (with --out s3://)
  int jobs = 0;                       // -j; 0: the default
  std::string events;                 // --events FILE
  double timeout = 0;                 // --timeout, seconds; 0: none
  int retries = 0;                    // --retry
  int api_concurrency = 4;            // --api-concurrency
  bool force = false;                 // --force
  int status_port = -1;               // --status-port; -1: none
  std::string status_bind = "127.0.0.1";
  bool plain = false;                 // --plain
  std::string notify;                 // --notify URL
};

// Reads the option at args[i] into `options` (i moves past its value): nullopt when args[i] is
// none of these, else "" or the problem.
std::optional<std::string> supervisor_option(const std::vector<std::string>& args, std::size_t& i,
                                             SupervisorOptions& options);

// The help lines of these options.
extern const char* const supervisor_options_help;

// The folder the videos are made in: --out, or under --out s3:// the staging folder.
std::string local_output_folder(const SupervisorOptions& options);

// Makes the output folder (the staging folder under --out s3://) and checks that it can be
// written, and that S3 credentials are there; false after printing why not, as `command`.
bool prepare_outputs(SupervisorOptions& options, const std::string& command);

// Copies the options into the plan (all but the live view's choice).
void apply_options(const SupervisorOptions& options, RunPlan& plan);

}  // namespace pipectl::cli
