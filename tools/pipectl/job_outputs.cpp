#include "job_outputs.hpp"

#include <filesystem>
#include <stdexcept>

#include "encode/encode.hpp"
#include "s3_store.hpp"

namespace pipectl::cli {

namespace fs = std::filesystem;

namespace {

double video_seconds_of(const std::vector<std::string>& paths) {
  double seconds = 0;
  for (const auto& path : paths)
    if (path.ends_with(".mp4")) seconds += encode::video_length_seconds(path).value_or(0);
  return seconds;
}

std::string content_type_of(const std::string& path) {
  if (path.ends_with(".mp4")) return "video/mp4";
  if (path.ends_with(".vtt")) return "text/vtt";
  return "application/octet-stream";
}

// The store of plan.s3, with the credentials of the environment (checked when the command started).
S3Store store_for(const RunPlan& plan) {
  std::string problem;
  auto settings = s3_settings_from(process_environment_map(), problem);
  if (!settings) throw std::runtime_error(problem);
  return S3Store(*plan.s3, *settings);
}

}  // namespace

std::string relative_output_name(const RunPlan& plan, const std::string& path) {
  return fs::path(path).lexically_relative(plan.out).generic_string();
}

std::optional<CompleteOutputs> complete_outputs(const RunPlan& plan, const std::vector<std::string>& outputs) {
  if (outputs.empty()) return std::nullopt;
  CompleteOutputs complete;
  if (!plan.s3) {
    for (const auto& path : outputs) {
      std::error_code error;
      if (!fs::is_regular_file(path, error) || fs::file_size(path, error) == 0 || error) return std::nullopt;
      complete.names.push_back(path);
    }
    complete.video_seconds = video_seconds_of(outputs);
    return complete;
  }
  try {
    S3Store store = store_for(plan);
    for (const auto& path : outputs) {
      const std::string key = relative_output_name(plan, path);
      auto size = store.size_of(key);
      if (!size || *size == 0) return std::nullopt;
      complete.names.push_back(plan.s3->url_of(key));
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return complete;
}

CompleteOutputs publish_outputs(const RunPlan& plan, const std::vector<std::string>& outputs) {
  CompleteOutputs complete;
  complete.video_seconds = video_seconds_of(outputs);
  if (!plan.s3) {
    complete.names = outputs;
    return complete;
  }
  S3Store store = store_for(plan);
  for (const auto& path : outputs) {
    const std::string key = relative_output_name(plan, path);
    store.upload(path, key, content_type_of(path));
    complete.names.push_back(plan.s3->url_of(key));
  }
  // Only once every object is in: a failed upload leaves the staged files for the next attempt.
  for (const auto& path : outputs) {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
  return complete;
}

}  // namespace pipectl::cli
