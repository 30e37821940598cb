#include "shard.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "handle_list.hpp"

namespace pipectl::cli {

namespace {

// FNV-1a (64 bits) of the folded handle, then MurmurHash3's finaliser: FNV alone leaves
// similar handles (user1, user2, ...) close together in the low bits.
std::uint64_t handle_hash(const std::string& handle) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : folded_handle(handle)) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ULL;
  hash ^= hash >> 33;
  return hash;
}

// Lamping and Veach's jump consistent hash: a key's bucket among `buckets`. Growing an array
// from N to N+1 shards moves only the 1/(N+1) of handles that land in the new shard.
std::uint32_t jump_bucket(std::uint64_t key, std::uint32_t buckets) {
  std::int64_t bucket = -1, next = 0;
  while (next < static_cast<std::int64_t>(buckets)) {
    bucket = next;
    key = key * 2862933555777941757ULL + 1;
    next = static_cast<std::int64_t>(static_cast<double>(bucket + 1) *
                                     (static_cast<double>(1LL << 31) / static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<std::uint32_t>(bucket);
}

// A whole number 0..max_value written in decimal digits only.
std::optional<std::uint64_t> parse_number(const std::string& text, std::uint64_t max_value) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > max_value) return std::nullopt;
  return value;
}

}  // namespace

std::string Shard::name() const { return std::to_string(index) + "-of-" + std::to_string(count); }

std::uint32_t shard_of(const std::string& handle, std::uint32_t count) {
  return jump_bucket(handle_hash(handle), count == 0 ? 1 : count);
}

std::optional<Shard> parse_shard(const std::string& text, std::string& error) {
  auto slash = text.find('/');
  std::optional<std::uint64_t> index, count;
  if (slash != std::string::npos) {
    index = parse_number(text.substr(0, slash), max_shards);
    count = parse_number(text.substr(slash + 1), max_shards);
  }
  if (!index || !count || *count == 0) {
    error = "--shard '" + text + "' is not I/N (e.g. 0/8: the first of 8 shards; N from 1 to " +
            std::to_string(max_shards) + ") or auto";
    return std::nullopt;
  }
  if (*index >= *count) {
    error = "--shard '" + text + "': shards are numbered from 0, so I must be below N (0/" +
            std::to_string(*count) + " to " + std::to_string(*count - 1) + "/" + std::to_string(*count) + ")";
    return std::nullopt;
  }
  return Shard{static_cast<std::uint32_t>(*index), static_cast<std::uint32_t>(*count), "--shard " + text};
}

std::optional<std::string> process_environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return std::nullopt;
  return std::string(value);
}

std::optional<Shard> shard_from_environment(const EnvironmentLookup& lookup, std::string& error) {
  // A variable that is set must be a number; "NAME=VALUE" for messages.
  std::string problem;
  auto number = [&](const char* name) -> std::optional<std::uint64_t> {
    auto value = lookup(name);
    if (!value) return std::nullopt;
    auto parsed = parse_number(*value, 4294967295ULL);
    if (!parsed && problem.empty()) problem = std::string(name) + "='" + *value + "' is not a whole number";
    return parsed;
  };
  auto shown = [](const char* name, std::uint64_t value) { return std::string(name) + "=" + std::to_string(value); };

  auto slurm_id = number("SLURM_ARRAY_TASK_ID");
  auto slurm_count = number("SLURM_ARRAY_TASK_COUNT");
  auto slurm_min = number("SLURM_ARRAY_TASK_MIN");
  auto slurm_max = number("SLURM_ARRAY_TASK_MAX");
  auto k8s_index = number("JOB_COMPLETION_INDEX");
  auto shards = number("PIPECTL_SHARDS");
  if (!problem.empty()) {
    error = "--shard auto: " + problem;
    return std::nullopt;
  }
  if (shards && (*shards == 0 || *shards > max_shards)) {
    error = "--shard auto: " + shown("PIPECTL_SHARDS", *shards) + " is not a number of shards from 1 to " +
            std::to_string(max_shards);
    return std::nullopt;
  }
  if (slurm_id && k8s_index) {
    error = "--shard auto: both a Slurm array task (" + shown("SLURM_ARRAY_TASK_ID", *slurm_id) +
            ") and a Kubernetes Indexed Job (" + shown("JOB_COMPLETION_INDEX", *k8s_index) +
            ") are in the environment: unset the one that does not apply, or give --shard I/N";
    return std::nullopt;
  }

  Shard shard;
  std::uint64_t index = 0, count = 0;
  if (k8s_index) {
    if (!shards) {
      error = "--shard auto: " + shown("JOB_COMPLETION_INDEX", *k8s_index) +
              " is set but PIPECTL_SHARDS is not: set it in the pod spec to the Job's completions";
      return std::nullopt;
    }
    index = *k8s_index;
    count = *shards;
    shard.origin = shown("JOB_COMPLETION_INDEX", index) + ", " + shown("PIPECTL_SHARDS", count);
  } else if (slurm_id) {
    index = *slurm_id;
    if (shards) {
      // A re-submitted index (--array=K) sees a one-task array: only PIPECTL_SHARDS knows N.
      count = *shards;
      shard.origin = shown("SLURM_ARRAY_TASK_ID", index) + ", " + shown("PIPECTL_SHARDS", count);
      if (slurm_max && *slurm_max >= count) {
        error = "--shard auto: the array goes up to " + shown("SLURM_ARRAY_TASK_MAX", *slurm_max) + " but " +
                shown("PIPECTL_SHARDS", count) + ": submit --array=0-" + std::to_string(count - 1) +
                " or set PIPECTL_SHARDS to the number of tasks";
        return std::nullopt;
      }
    } else {
      if (slurm_min && *slurm_min != 0) {
        error = "--shard auto: the array starts at " + shown("SLURM_ARRAY_TASK_MIN", *slurm_min) +
                "; shards are numbered from 0 (--array=0-(N-1)), or set PIPECTL_SHARDS=N when re-submitting "
                "some indexes";
        return std::nullopt;
      }
      std::optional<std::uint64_t> by_range;
      if (slurm_min && slurm_max && *slurm_max >= *slurm_min) by_range = *slurm_max - *slurm_min + 1;
      if (slurm_count && by_range && *slurm_count != *by_range) {
        error = "--shard auto: " + shown("SLURM_ARRAY_TASK_COUNT", *slurm_count) + " but the array runs from " +
                shown("SLURM_ARRAY_TASK_MIN", *slurm_min) + " to " + shown("SLURM_ARRAY_TASK_MAX", *slurm_max) +
                " (a stepped or sparse array): set PIPECTL_SHARDS to the number of shards";
        return std::nullopt;
      }
      if (!slurm_count && !by_range) {
        error = "--shard auto: " + shown("SLURM_ARRAY_TASK_ID", index) +
                " is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX are: set PIPECTL_SHARDS";
        return std::nullopt;
      }
      count = slurm_count ? *slurm_count : *by_range;
      shard.origin = shown("SLURM_ARRAY_TASK_ID", index) + ", " + shown("SLURM_ARRAY_TASK_COUNT", count);
    }
  } else {
    error = "--shard auto: no engine in the environment: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor "
            "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard I/N";
    return std::nullopt;
  }
  if (count == 0 || count > max_shards) {
    error = "--shard auto: " + shard.origin + ": the number of shards must be from 1 to " + std::to_string(max_shards);
    return std::nullopt;
  }
  if (index >= count) {
    error = "--shard auto: " + shard.origin + ": the index must be below the number of shards (indexes from 0)";
    return std::nullopt;
  }
  shard.index = static_cast<std::uint32_t>(index);
  shard.count = static_cast<std::uint32_t>(count);
  return shard;
}

std::vector<std::string> handles_of_shard(const std::vector<std::string>& handles, const Shard& shard) {
  std::vector<std::string> mine;
  for (const auto& handle : handles)
    if (shard_of(handle, shard.count) == shard.index) mine.push_back(handle);
  return mine;
}

ShardPlan plan_shards(const std::vector<std::string>& handles, std::uint32_t count) {
  ShardPlan plan;
  plan.shards.resize(count == 0 ? 1 : count);
  for (const auto& handle : handles) plan.shards[shard_of(handle, count)].push_back(handle);
  auto [smallest, largest] = std::minmax_element(plan.shards.begin(), plan.shards.end(),
                                                 [](const auto& a, const auto& b) { return a.size() < b.size(); });
  plan.smallest = smallest->size();
  plan.largest = largest->size();
  plan.mean = static_cast<double>(handles.size()) / static_cast<double>(plan.shards.size());
  double squares = 0;
  for (const auto& shard : plan.shards) squares += std::pow(static_cast<double>(shard.size()) - plan.mean, 2);
  plan.deviation = std::sqrt(squares / static_cast<double>(plan.shards.size()));
  return plan;
}

}  // namespace pipectl::cli
