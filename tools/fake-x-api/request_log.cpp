// Writes request log entries as JSON lines, flushed one by one.
#include "request_log.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "utc_time.hpp"

namespace fake_x_api {

namespace json = boost::json;

RequestLog::RequestLog(const std::filesystem::path& file) : out_(file, std::ios::app) {
  if (!out_) throw std::runtime_error(std::string("cannot write the request log ").append(file.string()));
}

void RequestLog::write(const LogEntry& entry) {
  if (!out_.is_open()) return;
  json::object query;
  for (const auto& [name, value] : entry.query) query[name] = value;
  json::object line{{"time", utc_text(entry.time)},
                    {"connection", entry.connection},
                    {"method", entry.method},
                    {"path", entry.path},
                    {"query", std::move(query)},
                    {"endpoint", entry.endpoint},
                    {"handle", entry.handle ? json::value(*entry.handle) : json::value(nullptr)},
                    {"n", entry.request_number},
                    {"status", entry.status},
                    {"fault", entry.fault.empty() ? json::value(nullptr) : json::value(entry.fault)},
                    {"auth", entry.auth},
                    {"bytes", entry.bytes}};
  out_ << json::serialize(line) << '\n';
  out_.flush();
}

}  // namespace fake_x_api
