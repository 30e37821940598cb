// Sharding: one contract for every batch engine. Shard I of N runs the handles whose hash
// lands in I; the hash depends on the handle alone, so adding a handle to the list moves no
// other handle, and a requeued task runs exactly the handles it ran before. `--shard auto`
// reads I and N from the engine's environment: Slurm job arrays, Kubernetes Indexed Jobs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pipectl::cli {

struct Shard {
  std::uint32_t index = 0;  // I, from 0
  std::uint32_t count = 1;  // N
  std::string origin;       // where I and N came from, for messages: "--shard 2/8", "SLURM_ARRAY_TASK_ID=2, ..."

  // "2-of-8": the name of the shard's events file.
  std::string name() const;
};

inline constexpr std::uint32_t max_shards = 100000;

// The shard of `handle` among `count` (count >= 1). Stable forever: a change here moves
// handles between the shards of arrays already running, so it never changes.
std::uint32_t shard_of(const std::string& handle, std::uint32_t count);

// "I/N" with 0 <= I < N <= max_shards; an error message otherwise.
std::optional<Shard> parse_shard(const std::string& text, std::string& error);

// Reads the environment through `lookup` (nullopt: not set). Slurm: I = SLURM_ARRAY_TASK_ID,
// N = PIPECTL_SHARDS, else SLURM_ARRAY_TASK_COUNT, else SLURM_ARRAY_TASK_MAX - MIN + 1.
// Kubernetes: I = JOB_COMPLETION_INDEX, N = PIPECTL_SHARDS (the Job does not tell its
// completions). Missing, malformed or contradictory variables: an error naming them.
using EnvironmentLookup = std::function<std::optional<std::string>(const char*)>;
std::optional<Shard> shard_from_environment(const EnvironmentLookup& lookup, std::string& error);

// The real environment, for shard_from_environment.
std::optional<std::string> process_environment(const char* name);

// How `handles` fall into `count` shards: for `pipectl plan` and for a person sizing an array.
struct ShardPlan {
  std::vector<std::vector<std::string>> shards;  // the handles of each shard, in the list's order
  std::size_t smallest = 0, largest = 0;
  double mean = 0;
  double deviation = 0;  // the standard deviation of the shard sizes
  // (largest - smallest) / mean: 0 is perfect balance.
  double spread() const { return mean > 0 ? static_cast<double>(largest - smallest) / mean : 0; }
};
ShardPlan plan_shards(const std::vector<std::string>& handles, std::uint32_t count);

// The handles of `shard`, in the order of `handles`.
std::vector<std::string> handles_of_shard(const std::vector<std::string>& handles, const Shard& shard);

}  // namespace pipectl::cli
