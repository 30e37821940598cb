#include "queued_job.hpp"

#include <boost/json.hpp>

#include "digest.hpp"

namespace pipectl::cli {

namespace json = boost::json;

Fields job_fields(const QueuedJob& job) {
  json::array sets;
  for (const auto& set : job.sets) sets.emplace_back(set);
  Fields fields{{"handle", job.handle},         {"date", job.date},         {"tz", job.tz},
                {"graph", job.graph_text},      {"graph_hash", job.graph_hash}, {"graph_path", job.graph_path},
                {"sets", json::serialize(sets)}, {"enqueued", job.enqueued}};
  if (!job.notify_url.empty()) fields.emplace_back("notify", job.notify_url);
  return fields;
}

std::optional<QueuedJob> job_from_fields(const std::map<std::string, std::string>& fields, std::string& problem) {
  auto field = [&](const char* name) -> const std::string* {
    auto found = fields.find(name);
    return found == fields.end() ? nullptr : &found->second;
  };
  QueuedJob job;
  for (auto [name, target] : {std::pair{"handle", &job.handle}, std::pair{"date", &job.date}, std::pair{"tz", &job.tz},
                              std::pair{"graph", &job.graph_text}, std::pair{"graph_hash", &job.graph_hash}}) {
    const std::string* value = field(name);
    if (!value || value->empty()) {
      problem = std::string("the job has no '") + name + "' field (not written by pipectl enqueue?)";
      return std::nullopt;
    }
    *target = *value;
  }
  if (sha256_hex(job.graph_text) != job.graph_hash) {
    problem = "the job's graph does not match its hash (changed or cut in transit)";
    return std::nullopt;
  }
  if (const std::string* path = field("graph_path")) job.graph_path = *path;
  if (job.graph_path.empty()) job.graph_path = "queued.graph";
  if (const std::string* notify = field("notify")) job.notify_url = *notify;
  if (const std::string* enqueued = field("enqueued")) job.enqueued = *enqueued;
  if (const std::string* sets = field("sets"); sets && !sets->empty()) {
    boost::system::error_code error;
    json::value value = json::parse(*sets, error);
    if (error || !value.is_array()) {
      problem = "the job's 'sets' field is not a JSON list of NODE.PARAM=VALUE";
      return std::nullopt;
    }
    for (const auto& set : value.get_array()) {
      if (!set.is_string()) {
        problem = "the job's 'sets' field holds something other than text";
        return std::nullopt;
      }
      job.sets.emplace_back(set.get_string());
    }
  }
  return job;
}

}  // namespace pipectl::cli
