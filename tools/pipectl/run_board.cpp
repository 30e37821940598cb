#include "run_board.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string_view>

#include "events.hpp"
#include "pipectl/warn.hpp"

namespace pipectl::cli {

namespace json = boost::json;

const char* state_name(HandleState state) {
  switch (state) {
    case HandleState::queued: return "queued";
    case HandleState::running: return "running";
    case HandleState::done: return "done";
    case HandleState::failed: return "failed";
    case HandleState::skipped: return "skipped";
  }
  return "?";
}

// In a pipeline every stage works at once: the stage a handle is "in" is the furthest one that
// has started on the items and not finished, so a display moves from fetch to encode.
std::string HandleStatus::stage() const {
  const NodeStatus* current = nullptr;
  for (const auto& node : nodes)
    if (!node.done && (!current || node.received > 0 || node.emitted > 0)) current = &node;
  return current ? current->stage : std::string();
}

std::optional<std::uint64_t> HandleStatus::total() const {
  if (nodes.empty()) return std::nullopt;
  // The furthest count announced: a filter that kept 7 of the source's 10 posts says 7.
  for (auto node = nodes.rbegin(); node != nodes.rend(); ++node)
    if (node->expected) return node->expected;
  if (nodes.front().done) return nodes.front().emitted;
  return std::nullopt;
}

double HandleStatus::fraction() const {
  if (state == HandleState::done || state == HandleState::skipped) return 1;
  auto posts = total();
  if (!posts || *posts == 0) return 0;
  return std::clamp(static_cast<double>(nodes.back().received) / static_cast<double>(*posts), 0.0, 1.0);
}

std::string HandleStatus::activity() const {
  if (state != HandleState::running) return {};
  if (!waiting.empty()) return "waiting: " + waiting;
  std::string current = stage();
  if (current.empty()) return nodes.empty() ? "starting" : "finishing";
  for (const auto& node : nodes) {
    if (node.done || node.stage != current) continue;
    if (&node == &nodes.front()) return current + " " + std::to_string(node.emitted);
    // "encode 4 of 10": items in, of the posts the source found (a title card is one more).
    auto posts = total();
    std::string text = current + " ";
    text += std::to_string(posts ? std::min(node.received, *posts) : node.received);
    if (posts) text.append(" of ").append(std::to_string(*posts));
    return text;
  }
  return current;
}

RunBoard::RunBoard(std::string graph_path, std::string date, std::string tz, const std::vector<std::string>& handles)
    : graph_path_(std::move(graph_path)), date_(std::move(date)), tz_(std::move(tz)),
      started_at_(std::chrono::steady_clock::now()) {
  for (const auto& name : handles) {
    HandleStatus status;
    status.handle = name;
    index_.emplace(name, handles_.size());
    handles_.push_back(std::move(status));
  }
}

namespace {

std::vector<std::string> strings_of(const json::object& event, const char* key) {
  std::vector<std::string> strings;
  if (auto* array = event.if_contains(key); array && array->is_array())
    for (const auto& value : array->get_array())
      if (value.is_string()) strings.emplace_back(value.get_string());
  return strings;
}

std::uint64_t count_of(const json::object& event, const char* key) {
  return static_cast<std::uint64_t>(std::max(0.0, number_of(event, key)));
}

}  // namespace

void RunBoard::apply(std::size_t index, const json::object& event) {
  std::lock_guard lock(mutex_);
  if (index >= handles_.size()) return;
  HandleStatus& status = handles_[index];
  std::string name = text_of(event, "event");
  // When it happened, on the board's clock: pipectl status reads events written long ago.
  auto now = std::chrono::steady_clock::now();
  if (auto at = time_of(event)) {
    auto age = std::chrono::system_clock::now() - *at;
    if (age > std::chrono::seconds(0)) now -= std::chrono::duration_cast<std::chrono::steady_clock::duration>(age);
  }
  if (name == "started") {
    status.state = HandleState::running;
    status.attempt = static_cast<int>(number_of(event, "attempt", 1));
    status.pid = static_cast<std::int64_t>(number_of(event, "pid"));
    status.started_at = now;
    status.worker = text_of(event, "worker");
    if (status.worker.empty()) status.worker = text_of(event, "host");
    status.nodes.clear();
    status.waiting.clear();
    status.error.clear();
    // The outcome is the last attempt's: a retry's warnings are not added to the failed one's.
    status.warnings = 0;
    status.warning_kinds.clear();
  } else if (name == "progress") {
    auto position = static_cast<std::size_t>(number_of(event, "position"));
    if (position >= 256) return;  // a graph is never that long: ignore a garbled event
    if (status.nodes.size() <= position) status.nodes.resize(position + 1);
    NodeStatus& node = status.nodes[position];
    node.node = text_of(event, "node");
    node.stage = text_of(event, "stage");
    node.received = count_of(event, "received");
    node.emitted = count_of(event, "emitted");
    if (event.contains("expected")) node.expected = count_of(event, "expected");
    node.done = event.contains("done") && event.at("done").is_bool() && event.at("done").get_bool();
    // Other nodes go on working through a wait; only the waiting node's progress ends it.
    if (node.node == status.waiting_node) status.waiting.clear();
  } else if (name == "waiting") {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.0f s", number_of(event, "seconds"));
    status.waiting = text_of(event, "reason") + " (" + seconds + ")";
    status.waiting_node = text_of(event, "node");
  } else if (name == "warning") {
    ++status.warnings;
    std::string kind = text_of(event, "kind");
    ++status.warning_kinds[kind.empty() ? Warn::default_kind : kind];
  } else if (name == "finished") {
    status.state = HandleState::done;
    status.outputs = strings_of(event, "outputs");
    status.seconds = number_of(event, "seconds");
    status.posts = count_of(event, "posts");
    status.cards = count_of(event, "cards");
    status.video_seconds = number_of(event, "video_seconds");
    status.waiting.clear();
  } else if (name == "failed") {
    status.state = HandleState::failed;
    std::string node = text_of(event, "node"), error = text_of(event, "error");
    status.error = node.empty() ? error : "stage '" + node + "': " + error;
    status.seconds = status.attempt ? std::chrono::duration<double>(now - status.started_at).count() : 0;
    status.waiting.clear();
  } else if (name == "retrying") {
    status.state = HandleState::queued;
  } else if (name == "skipped") {
    status.state = HandleState::skipped;
    status.outputs = strings_of(event, "outputs");
    status.video_seconds = number_of(event, "video_seconds");
  }
}

std::size_t RunBoard::index_of(const std::string& handle) {
  std::lock_guard lock(mutex_);
  auto [found, added] = index_.try_emplace(handle, handles_.size());
  if (added) {
    HandleStatus status;
    status.handle = handle;
    handles_.push_back(std::move(status));
  }
  return found->second;
}

void RunBoard::describe_run(std::string graph_path, std::string date, std::string tz) {
  std::lock_guard lock(mutex_);
  graph_path_ = std::move(graph_path);
  date_ = std::move(date);
  tz_ = std::move(tz);
}

void RunBoard::set_over(bool interrupted) {
  std::lock_guard lock(mutex_);
  over_ = true;
  interrupted_ = interrupted;
  over_at_ = std::chrono::steady_clock::now();
}

std::vector<HandleStatus> RunBoard::handles() const {
  std::lock_guard lock(mutex_);
  return handles_;
}

HandleStatus RunBoard::handle(std::size_t index) const {
  std::lock_guard lock(mutex_);
  return handles_.at(index);
}

std::size_t RunBoard::handle_count() const {
  std::lock_guard lock(mutex_);
  return handles_.size();
}

StateCounts RunBoard::counts() const {
  std::lock_guard lock(mutex_);
  StateCounts counts;
  for (const auto& status : handles_) {
    switch (status.state) {
      case HandleState::queued: ++counts.queued; break;
      case HandleState::running: ++counts.running; break;
      case HandleState::done: ++counts.done; break;
      case HandleState::failed: ++counts.failed; break;
      case HandleState::skipped: ++counts.skipped; break;
    }
  }
  return counts;
}

double RunBoard::elapsed_seconds() const {
  std::lock_guard lock(mutex_);
  return elapsed_locked();
}

double RunBoard::elapsed_locked() const {
  auto end = over_ ? over_at_ : std::chrono::steady_clock::now();
  return std::chrono::duration<double>(end - started_at_).count();
}

json::object RunBoard::status_json() const {
  StateCounts totals = counts();
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  json::object status;
  status["graph"] = graph_path_;
  status["date"] = date_;
  status["tz"] = tz_;
  status["elapsed_seconds"] = elapsed_locked();
  status["over"] = over_;
  status["interrupted"] = interrupted_;
  status["counts"] = json::object{{"queued", totals.queued},   {"running", totals.running},
                                  {"done", totals.done},       {"failed", totals.failed},
                                  {"skipped", totals.skipped}, {"total", handles_.size()}};
  if (fleet_) {
    json::object workers;
    for (const auto& entry : handles_)
      if (entry.state == HandleState::running) {
        auto& count = workers[entry.worker];
        count = (count.is_int64() ? count.as_int64() : 0) + 1;
      }
    status["fleet"] = json::object{{"queue", fleet_->queue},     {"queued", fleet_->queued},
                                   {"pending", fleet_->pending}, {"dead", fleet_->dead},
                                   {"running_per_worker", std::move(workers)}};
  }
  json::array handles;
  for (const auto& entry : handles_) {
    json::object handle;
    handle["handle"] = entry.handle;
    handle["state"] = state_name(entry.state);
    handle["attempt"] = entry.attempt;
    handle["worker"] = entry.worker;
    handle["stage"] = entry.stage();
    handle["activity"] = entry.activity();
    handle["fraction"] = entry.fraction();
    if (auto posts = entry.total()) handle["total"] = *posts;
    else handle["total"] = nullptr;
    handle["seconds"] = entry.state == HandleState::running
                            ? std::chrono::duration<double>(now - entry.started_at).count()
                            : entry.seconds;
    handle["posts"] = entry.posts;
    handle["cards"] = entry.cards;
    handle["video_seconds"] = entry.video_seconds;
    handle["warnings"] = entry.warnings;
    json::object kinds;
    for (const auto& [kind, count] : entry.warning_kinds) kinds[kind] = count;
    handle["warning_kinds"] = std::move(kinds);
    handle["error"] = entry.error;
    json::array nodes;
    for (const auto& node : entry.nodes)
      nodes.push_back(json::object{{"node", node.node},         {"stage", node.stage}, {"received", node.received},
                                   {"emitted", node.emitted}, {"done", node.done}});
    handle["nodes"] = std::move(nodes);
    json::array videos;
    if (entry.state == HandleState::done || entry.state == HandleState::skipped)
      for (std::size_t i = 0; i < entry.outputs.size(); ++i)
        videos.emplace_back("/videos/" + entry.handle + "/" + std::to_string(i) + ".mp4");
    handle["videos"] = std::move(videos);
    handles.push_back(std::move(handle));
  }
  status["handles"] = std::move(handles);
  return status;
}

std::optional<std::string> RunBoard::video_file(const std::string& handle, std::size_t output) const {
  std::lock_guard lock(mutex_);
  for (const auto& entry : handles_) {
    if (entry.handle != handle) continue;
    if (entry.state != HandleState::done && entry.state != HandleState::skipped) return std::nullopt;
    if (output >= entry.outputs.size()) return std::nullopt;
    return entry.outputs[output];
  }
  return std::nullopt;
}

namespace {
// A kind is a phrase led by its noun: "post with bad entities" counts as "posts with bad entities".
std::string plural_of(const std::string& kind) {
  size_t end = kind.find(' ');
  std::string noun = kind.substr(0, end);
  std::string rest = end == std::string::npos ? "" : kind.substr(end);
  auto ends_with = [&](std::string_view tail) { return noun.size() >= tail.size() && noun.ends_with(tail); };
  if (ends_with("y") && noun.size() > 1 && std::string_view("aeiou").find(noun[noun.size() - 2]) == std::string_view::npos)
    noun = noun.substr(0, noun.size() - 1) + "ies";
  else if (ends_with("s") || ends_with("x") || ends_with("ch") || ends_with("sh"))
    noun += "es";
  else
    noun += "s";
  return noun + rest;
}
}  // namespace

std::string warnings_text(const std::map<std::string, std::size_t>& kinds) {
  std::string text;
  for (const auto& [kind, count] : kinds) {
    if (!text.empty()) text += ", ";
    text += std::to_string(count) + " " + (count == 1 ? kind : plural_of(kind));
  }
  return text;
}

void RunBoard::set_fleet(FleetCounts fleet) {
  std::lock_guard lock(mutex_);
  fleet_ = std::move(fleet);
}

std::map<std::string, std::size_t> RunBoard::running_per_worker() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::size_t> workers;
  for (const auto& entry : handles_)
    if (entry.state == HandleState::running) ++workers[entry.worker];
  return workers;
}

}  // namespace pipectl::cli
