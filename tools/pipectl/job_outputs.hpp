// Where a job's outputs end up: the local files its graph writes under --out, or, with
// --out s3://BUCKET/PREFIX, objects under the prefix with the same relative names (the local
// files are then only a staging copy, removed once uploaded). Both the skip-if-complete test
// and the upload after a successful run are here, so a run and a worker treat outputs alike.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "supervisor.hpp"

namespace pipectl::cli {

struct CompleteOutputs {
  std::vector<std::string> names;  // the local paths, or the s3:// URLs
  double video_seconds = 0;        // the .mp4 files' length (0 for objects found in S3)
};

// The outputs (local paths under plan.out, from handle_outputs) when every one is complete:
// a non-empty file, or with plan.s3 a non-empty object (HEAD). Nothing when one is missing, or
// when S3 cannot be asked (the job then runs, and its upload says what is wrong).
std::optional<CompleteOutputs> complete_outputs(const RunPlan& plan, const std::vector<std::string>& outputs);

// After a successful run: the outputs as they now are. With plan.s3, each file is uploaded to
// its key and its local copy removed; throws std::runtime_error naming the object when an
// upload fails for good (its local file stays, for the next attempt to redo).
CompleteOutputs publish_outputs(const RunPlan& plan, const std::vector<std::string>& outputs);

// The key of a local output under plan.out: its path relative to the output folder.
std::string relative_output_name(const RunPlan& plan, const std::string& path);

}  // namespace pipectl::cli
