// deploy/: the files that run pipectl on the engines users have. The Kubernetes manifests
// are parsed and must carry the Indexed Job's contract; the pod's own command is then run for
// every index with JOB_COMPLETION_INDEX set, as the Job would, and every handle must get
// exactly one video. The sbatch script's directives are read here; test_slurm.cpp submits
// it to a real Slurm.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>

#include "support/fixture_graph.hpp"
#include "support/handle_dataset.hpp"
#include "support/paths.hpp"

using namespace pipectl;
namespace fs = std::filesystem;

namespace {

fs::path deploy_dir() { return test::source_dir() / "deploy"; }

std::vector<YAML::Node> documents(const fs::path& file) {
  INFO(file.string());
  auto nodes = YAML::LoadAllFromFile(file.string());
  REQUIRE(!nodes.empty());
  return nodes;
}

YAML::Node find_kind(const std::vector<YAML::Node>& nodes, const std::string& kind) {
  for (const auto& node : nodes)
    if (node["kind"] && node["kind"].as<std::string>() == kind) return node;
  FAIL("no " << kind << " in the manifests");
  return {};
}

// The value of the container's environment variable `name` (a plain value), or "".
std::string env_value(const YAML::Node& container, const std::string& name) {
  for (const auto& variable : container["env"])
    if (variable["name"].as<std::string>() == name && variable["value"]) return variable["value"].as<std::string>();
  return {};
}

// The amount in MiB of a Kubernetes memory quantity such as 512Mi or 1Gi.
double mebibytes(const std::string& quantity) {
  std::smatch match;
  REQUIRE(std::regex_match(quantity, match, std::regex("([0-9]+)(Mi|Gi)")));
  return std::stod(match[1]) * (match[2] == "Gi" ? 1024 : 1);
}

// The value after `option` in a command line ("" when absent or last).
std::string option_value(const std::vector<std::string>& command, const std::string& option) {
  auto at = std::find(command.begin(), command.end(), option);
  return at == command.end() || at + 1 == command.end() ? std::string() : *(at + 1);
}

// Seconds in a pipectl duration such as 90s, 10m or 2h (a bare number is seconds).
double duration_seconds(const std::string& text) {
  std::smatch match;
  INFO(text);
  REQUIRE(std::regex_match(text, match, std::regex("([0-9]+(\\.[0-9]+)?)(s|m|h)?")));
  const double unit = match[3] == "h" ? 3600 : match[3] == "m" ? 60 : 1;
  return std::stod(match[1]) * unit;
}

}  // namespace

TEST_CASE("the Kubernetes CronJob runs an Indexed Job whose pods shard the handle list") {
  auto cronjob = find_kind(documents(deploy_dir() / "k8s/daily-cronjob.yaml"), "CronJob");
  CHECK(cronjob["apiVersion"].as<std::string>() == "batch/v1");
  CHECK(!cronjob["spec"]["schedule"].as<std::string>().empty());
  CHECK(cronjob["spec"]["concurrencyPolicy"].as<std::string>() == "Forbid");
  auto job = cronjob["spec"]["jobTemplate"]["spec"];
  CHECK(job["completionMode"].as<std::string>() == "Indexed");
  int completions = job["completions"].as<int>();
  CHECK(completions >= 1);
  CHECK(job["parallelism"].as<int>() >= 1);
  CHECK(job["parallelism"].as<int>() <= completions);
  CHECK(job["backoffLimitPerIndex"].as<int>() >= 1);
  auto pod = job["template"]["spec"];
  CHECK(pod["restartPolicy"].as<std::string>() == "Never");  // backoffLimitPerIndex needs it
  REQUIRE(pod["containers"].size() == 1);
  auto container = pod["containers"][0];
  // N: the Job tells each pod its index, not the number of indexes.
  CHECK(env_value(container, "PIPECTL_SHARDS") == std::to_string(completions));
  bool token_from_secret = false;
  for (const auto& variable : container["env"])
    if (variable["name"].as<std::string>() == "X_BEARER_TOKEN")
      token_from_secret = variable["valueFrom"]["secretKeyRef"]["name"] && !variable["value"];
  CHECK(token_from_secret);
  auto command = container["command"].as<std::vector<std::string>>();
  std::string joined;
  for (const auto& part : command) joined += part + " ";
  CHECK(joined.find("run ") != std::string::npos);
  CHECK(joined.find("--shard auto") != std::string::npos);
  CHECK(joined.find("--handles-file ") != std::string::npos);
  // Requests and limits from the measured memory: a handle's process per CPU.
  auto resources = container["resources"];
  double cpus = std::stod(resources["requests"]["cpu"].as<std::string>());
  double request = mebibytes(resources["requests"]["memory"].as<std::string>());
  double limit = mebibytes(resources["limits"]["memory"].as<std::string>());
  CHECK(request >= 150 * cpus);  // README: at most ~110 MiB a handle's process at 1920x1080
  CHECK(limit >= request);
  // The outputs on a volume every pod shares.
  std::string out = command[static_cast<std::size_t>(std::find(command.begin(), command.end(), "--out") - command.begin()) + 1];
  std::string claim;
  for (const auto& mount : container["volumeMounts"])
    if (mount["mountPath"].as<std::string>() == out)
      for (const auto& volume : pod["volumes"])
        if (volume["name"].as<std::string>() == mount["name"].as<std::string>())
          claim = volume["persistentVolumeClaim"]["claimName"].as<std::string>();
  REQUIRE(!claim.empty());
  auto pvc = find_kind(documents(deploy_dir() / "k8s/shared-videos.yaml"), "PersistentVolumeClaim");
  CHECK(pvc["metadata"]["name"].as<std::string>() == claim);
  CHECK(pvc["spec"]["accessModes"][0].as<std::string>() == "ReadWriteMany");
}

TEST_CASE("the pod's command, run for every JOB_COMPLETION_INDEX, makes each video exactly once") {
  auto cronjob = find_kind(documents(deploy_dir() / "k8s/daily-cronjob.yaml"), "CronJob");
  auto job = cronjob["spec"]["jobTemplate"]["spec"];
  auto container = job["template"]["spec"]["containers"][0];
  int completions = job["completions"].as<int>();
  auto command = container["command"].as<std::vector<std::string>>();

  // The pod's files, here: the graph and the list from the ConfigMap, the shared volume.
  test::TempDir folder;
  auto handles = test::write_handle_dataset(folder.path() / "data", 40);
  std::map<std::string, std::string> paths;
  for (const auto& mount : container["volumeMounts"])
    paths[mount["mountPath"].as<std::string>()] = (folder.path() / mount["name"].as<std::string>()).string();
  fs::create_directories(paths.at("/etc/pipectl"));
  test::write_fixture_graph(fs::path(paths.at("/etc/pipectl")) / "daily.graph", folder.path() / "data");
  test::write_handles_file(fs::path(paths.at("/etc/pipectl")) / "handles.txt", handles);
  std::string shell_command = test::shell_quote(test::pipectl_binary());
  for (std::size_t i = 1; i < command.size(); ++i) {
    std::string part = command[i];
    for (const auto& [mounted, here] : paths)
      if (part.starts_with(mounted)) part = here + part.substr(mounted.size());
    shell_command.append(" ").append(test::shell_quote(part));
  }
  shell_command += " --date 2026-11-24";
  fs::path out = paths.at(command[static_cast<std::size_t>(std::find(command.begin(), command.end(), "--out") - command.begin()) + 1]);

  for (int index = 0; index < completions; ++index) {
    auto result = test::run_command("env -u SLURM_ARRAY_TASK_ID JOB_COMPLETION_INDEX=" + std::to_string(index) +
                                    " PIPECTL_SHARDS=" + env_value(container, "PIPECTL_SHARDS") + " " + shell_command);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    CHECK(fs::exists(out / ".pipectl" / "events" / (std::to_string(index) + "-of-" + std::to_string(completions) + ".jsonl")));
  }
  // The same index twice (the Job docs warn it can happen): it skips, nothing is made again.
  auto twice = test::run_command("JOB_COMPLETION_INDEX=0 PIPECTL_SHARDS=" + std::to_string(completions) + " " + shell_command);
  CHECK(twice.exit_code == 0);
  CHECK((twice.output.find("already complete, skipped") != std::string::npos ||
         twice.output.find("0 of 0 handles") != std::string::npos));
  std::size_t videos = 0, other_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file()) continue;
    if (entry.path().extension() == ".mp4") ++videos;
    else if (entry.path().filename().string().find(".part-") != std::string::npos) ++other_files;
  }
  CHECK(videos == handles.size());
  CHECK(other_files == 0);
}

TEST_CASE("the worker Deployment drains its jobs on SIGTERM, and KEDA scales it with the same stream") {
  auto deployment = find_kind(documents(deploy_dir() / "k8s/worker-deployment.yaml"), "Deployment");
  CHECK(deployment["apiVersion"].as<std::string>() == "apps/v1");
  const auto name = deployment["metadata"]["name"].as<std::string>();
  CHECK(!deployment["spec"]["replicas"]);  // the ScaledObject owns the count
  auto pod = deployment["spec"]["template"]["spec"];
  REQUIRE(pod["containers"].size() == 1);
  auto container = pod["containers"][0];
  auto command = container["command"].as<std::vector<std::string>>();
  REQUIRE(command.size() >= 2);
  CHECK(command[0] == "pipectl");
  CHECK(command[1] == "worker");
  const std::string queue = option_value(command, "--queue");
  CHECK(!option_value(command, "--out").empty());

  // SIGTERM lets the current jobs finish: the grace period must outlast a job's time-out.
  const std::string timeout = option_value(command, "--timeout");
  REQUIRE(!timeout.empty());
  CHECK(pod["terminationGracePeriodSeconds"].as<double>() > duration_seconds(timeout));
  CHECK(container["lifecycle"]["preStop"].IsMap());
  CHECK((container["lifecycle"]["preStop"]["exec"] || container["lifecycle"]["preStop"]["sleep"]));

  bool secret_from_secret_ref = false;
  for (const auto& variable : container["env"])
    if (variable["name"].as<std::string>() == "PIPECTL_NOTIFY_SECRET")
      secret_from_secret_ref = variable["valueFrom"]["secretKeyRef"]["name"] && variable["valueFrom"]["secretKeyRef"]["key"] &&
                               !variable["value"];
  CHECK(secret_from_secret_ref);
  CHECK(container["resources"]["requests"]["cpu"]);
  CHECK(mebibytes(container["resources"]["limits"]["memory"].as<std::string>()) >=
        mebibytes(container["resources"]["requests"]["memory"].as<std::string>()));

  // redis://HOST:PORT/STREAM, as KEDA must see it.
  std::smatch url;
  INFO(queue);
  REQUIRE(std::regex_match(queue, url, std::regex("redis://([^/:]+)(:([0-9]+))?/([^/?]+)")));
  const std::string address = url[1].str() + ":" + (url[3].matched ? url[3].str() : "6379");
  const std::string stream = url[4];

  auto scaled = find_kind(documents(deploy_dir() / "k8s/worker-autoscaling.yaml"), "ScaledObject");
  CHECK(scaled["apiVersion"].as<std::string>() == "keda.sh/v1alpha1");
  CHECK(scaled["spec"]["scaleTargetRef"]["name"].as<std::string>() == name);
  if (scaled["spec"]["scaleTargetRef"]["kind"]) CHECK(scaled["spec"]["scaleTargetRef"]["kind"].as<std::string>() == "Deployment");
  CHECK(scaled["spec"]["minReplicaCount"].as<int>() >= 0);
  CHECK(scaled["spec"]["minReplicaCount"].as<int>() <= scaled["spec"]["maxReplicaCount"].as<int>());
  auto triggers = scaled["spec"]["triggers"];
  REQUIRE(triggers.size() >= 1);
  bool counts_pending = false, counts_lag = false;
  for (const auto& trigger : triggers) {
    CHECK(trigger["type"].as<std::string>() == "redis-streams");
    auto metadata = trigger["metadata"];
    CHECK(metadata["stream"].as<std::string>() == stream);
    CHECK(metadata["consumerGroup"].as<std::string>() == "pipectl-workers");
    if (metadata["address"]) CHECK(metadata["address"].as<std::string>() == address);
    // Trigger metadata is a map of strings: the API server refuses an unquoted number. yaml-cpp
    // tags a quoted scalar "!" and a plain one "?".
    for (const char* count : {"pendingEntriesCount", "lagCount", "activationLagCount"}) {
      if (!metadata[count]) continue;
      INFO(count);
      CHECK(metadata[count].Tag() == "!");
      CHECK(std::stoi(metadata[count].as<std::string>()) >= 0);
    }
    counts_pending = counts_pending || metadata["pendingEntriesCount"];
    counts_lag = counts_lag || metadata["lagCount"];
    // KEDA requires activationLagCount with lagCount (its redis-streams docs).
    if (metadata["lagCount"]) CHECK(metadata["activationLagCount"]);
  }
  CHECK(counts_pending);
  // Scaling to zero needs the lag: pending entries alone never wake an idle Deployment.
  if (scaled["spec"]["minReplicaCount"].as<int>() == 0) CHECK(counts_lag);
}

TEST_CASE("the sbatch script asks for an array with the resources a shard needs") {
  std::ifstream in(deploy_dir() / "slurm/daily.sbatch");
  REQUIRE(in);
  std::map<std::string, std::string> directives;
  std::string line, text;
  while (std::getline(in, line)) {
    text += line + "\n";
    std::smatch match;
    if (std::regex_match(line, match, std::regex("#SBATCH --([a-z-]+)(=(.*))?"))) directives[match[1]] = match[3];
  }
  CHECK(text.starts_with("#!/bin/bash\n"));
  CHECK(std::regex_match(directives["array"], std::regex("0-[0-9]+%[0-9]+")));
  CHECK(std::stoi(directives["cpus-per-task"]) >= 1);
  std::smatch memory;
  REQUIRE(std::regex_match(directives["mem"], memory, std::regex("([0-9]+)([MG])")));
  double mib = std::stod(memory[1]) * (memory[2] == "G" ? 1024 : 1);
  CHECK(mib >= 150 * std::stoi(directives["cpus-per-task"]));
  CHECK(directives.count("requeue"));
  CHECK(text.find("--shard auto") != std::string::npos);
  CHECK(text.find("-j \"${SLURM_CPUS_PER_TASK") != std::string::npos);
  // The token comes from the environment; the script never names a value for it (the usage
  // comment writes "X_BEARER_TOKEN=...").
  const std::string token = "X_BEARER_TOKEN=";
  for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at + 1))
    CHECK(text.compare(at + token.size(), 3, "...") == 0);
  auto syntax = test::run_command("bash -n " + test::shell_quote((deploy_dir() / "slurm/daily.sbatch").string()));
  CHECK(syntax.exit_code == 0);
}
