// One handle's run of the graph, told as events (started, progress, waiting, warning, then
// finished or failed): the body of a child process, or of the loop of --no-fork.
#pragma once

#include <atomic>
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "job.hpp"
#include "supervisor.hpp"

namespace pipectl::cli {

using EmitEvent = std::function<void(boost::json::object)>;

// Runs the job's graph for its handle; `emit` may be called from several threads, one event at
// a time. `threads`: the pool size (0: one per core). Returns true when the handle has its
// video (uploaded, with --out s3://).
bool run_handle(const RunPlan& plan, const Job& job, int attempt, int threads, const std::atomic<bool>* cancel,
                const EmitEvent& emit);

// The files the job's graph declares it writes for its handle (StageInfo::writes): the videos
// and subtitles of encode, and whatever a plugin's sink declares; local paths under plan.out.
std::vector<std::string> handle_outputs(const RunPlan& plan, const Job& job);

// The run variables `pipectl run` defines for `handle`: handle, date, tz, out.
std::map<std::string, std::string> run_defined_variables(const std::string& handle, const std::string& date,
                                                         const std::string& tz, const std::string& out);

}  // namespace pipectl::cli
