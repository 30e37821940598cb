// A job as a worker reads it from the queue (tools/pipectl/queued_job: job_from_fields): the
// fields of a Redis Streams entry, which anyone with access to the stream may have written.
// Input: NAME NUL VALUE NUL NAME NUL VALUE... What it accepts must have every required field,
// a graph matching its hash, and must write back (job_fields) to fields it reads the same.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "fuzz_input.hpp"
#include "queued_job.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl::cli;
  auto parts = pipectl::fuzz::split(pipectl::fuzz::as_text(data, size));
  std::map<std::string, std::string> fields;
  for (std::size_t i = 0; i + 1 < parts.size(); i += 2) fields[std::string(parts[i])] = std::string(parts[i + 1]);
  // A hash that matches, now and then, so the fuzzer gets past the check.
  if (fields.count("graph") && fields["graph_hash"] == "fix") fields["graph_hash"] = sha256_hex(fields["graph"]);
  std::string problem;
  auto job = job_from_fields(fields, problem);
  if (!job) {
    if (problem.empty()) __builtin_trap();
    return 0;
  }
  if (job->handle.empty() || job->date.empty() || job->tz.empty() || sha256_hex(job->graph_text) != job->graph_hash)
    __builtin_trap();
  auto written = job_fields(*job);
  std::map<std::string, std::string> again(written.begin(), written.end());
  std::string second_problem;
  auto reread = job_from_fields(again, second_problem);
  if (!reread || reread->sets != job->sets || reread->graph_text != job->graph_text || reread->handle != job->handle)
    __builtin_trap();
  return 0;
}
