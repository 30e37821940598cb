// Reads the faults file and hands out each request's faults in order.
#include "faults.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "dataset.hpp"

namespace fake_x_api {

namespace json = boost::json;

namespace {

constexpr std::string_view comment_key = "//";

// Reads one handle's object; `where` is "FILE: handle 'x'" for messages.
class PlanReader {
 public:
  explicit PlanReader(std::string where) : where_(std::move(where)) {}

  void read(std::string_view key, const json::value& value, std::array<Faults::Plan, fault_set_count>& plans) const {
    // The prefix says which endpoints: none for the posts (timeline, feed, statuses), user_ for
    // the account (user lookup, getProfile, lookup), media_ for picture files.
    FaultSet set = FaultSet::posts;
    std::string_view name = key;
    if (name.rfind("user_", 0) == 0) {
      set = FaultSet::account;
      name.remove_prefix(5);
    } else if (name.rfind("media_", 0) == 0) {
      set = FaultSet::media;
      name.remove_prefix(6);
    }
    Faults::Plan& plan = plans[static_cast<std::size_t>(set)];
    if (name.rfind("status_", 0) == 0) {
      long status = std::atol(std::string(name.substr(7)).c_str());
      if (name.size() != 10 || status < 400 || status > 599)
        fail(key, "a status fault is status_NNN with NNN from 400 to 599");
      plan.steps.push_back({std::string(name), static_cast<int>(status), BodyFault::none, count(key, value)});
    } else if (name == "drop" || name == "truncate" || name == "garbage") {
      BodyFault body = name == "drop" ? BodyFault::drop : name == "truncate" ? BodyFault::truncate : BodyFault::garbage;
      plan.steps.push_back({std::string(name), std::nullopt, body, count(key, value)});
    } else if (name == "reset_after_s") {
      plan.reset_after_s = whole_number(key, value, 0, 86400);
    } else if (name == "slow_ms") {
      plan.slow_ms = whole_number(key, value, 0, 600000);
    } else if (name == "slow_count") {
      plan.slow_count = count(key, value);
    } else if (name == "trickle_ms") {
      plan.trickle_ms = whole_number(key, value, 0, 600000);
    } else if (name == "trickle_count") {
      plan.trickle_count = count(key, value);
    } else if (name == "huge_mb") {
      if (!value.is_number() || value.to_number<double>() <= 0 || value.to_number<double>() > 65536)
        fail(key, "wants a number of MiB above 0, at most 65536");
      plan.huge_bytes = static_cast<std::uint64_t>(std::llround(value.to_number<double>() * 1024 * 1024));
    } else if (name == "huge_count") {
      plan.huge_count = count(key, value);
    } else if (name == "huge_chunked") {
      if (!value.is_bool()) fail(key, "wants true or false");
      plan.huge_chunked = value.get_bool();
    } else {
      fail(key, "is not a fault (see tools/fake-x-api/README.md for the list)");
    }
  }

 private:
  [[noreturn]] void fail(std::string_view key, std::string_view problem) const {
    throw FaultsError(std::string(where_).append(": '").append(key).append("' ").append(problem));
  }

  long whole_number(std::string_view key, const json::value& value, long low, long high) const {
    json::error_code error;
    auto number = value.is_number() ? value.to_number<std::int64_t>(error) : 0;
    if (!value.is_number() || error || number < low || number > high)
      fail(key, std::string("wants a whole number from ").append(std::to_string(low)).append(" to ").append(
                    std::to_string(high)));
    return static_cast<long>(number);
  }

  // A number of requests, or "always".
  long count(std::string_view key, const json::value& value) const {
    if (value.is_string() && value.get_string() == "always") return -1;
    if (!value.is_number()) fail(key, "wants a number of requests or \"always\"");
    return whole_number(key, value, 0, 1000000000);
  }

  std::string where_;
};

bool counts(long count, long request_number) { return count < 0 || request_number <= count; }

std::int64_t epoch_seconds_after(std::chrono::system_clock::time_point now, long seconds) {
  auto at = now + std::chrono::seconds(seconds);
  // Rounded up: a client that waits until the announced second is past the reset.
  return std::chrono::ceil<std::chrono::seconds>(at.time_since_epoch()).count();
}

void describe(std::string& description, std::string_view fault) {
  description.append(description.empty() ? "" : "+").append(fault);
}

}  // namespace

Faults Faults::load(const std::filesystem::path& file) {
  auto text = read_whole_file(file);
  if (!text) throw FaultsError(std::string("cannot read the faults file ").append(file.string()));
  return parse(*text, file.string());
}

Faults Faults::parse(std::string_view json_text, const std::string& source) {
  json::error_code error;
  json::value document = json::parse(json_text, error);
  if (error) throw FaultsError(std::string(source).append(": not JSON: ").append(error.message()));
  if (!document.is_object())
    throw FaultsError(std::string(source).append(": wants an object of handles, {\"handle\": {\"status_500\": 2}}"));
  Faults faults;
  for (const auto& [handle, entry] : document.get_object()) {
    if (handle == comment_key) continue;
    std::string where = std::string(source).append(": handle '").append(handle).append("'");
    if (!entry.is_object()) throw FaultsError(where.append(" wants an object of faults"));
    PlanReader reader(where);
    auto& plans = faults.plans_[lower_case(handle)];
    for (const auto& [key, value] : entry.get_object())
      if (key != comment_key) reader.read(key, value, plans);
  }
  return faults;
}

FaultChoice Faults::choose(std::string_view handle, Endpoint endpoint, std::chrono::system_clock::time_point now) {
  FaultChoice choice;
  if (endpoint == Endpoint::other) return choice;
  std::string key = lower_case(handle);
  auto index = static_cast<std::size_t>(fault_set(endpoint));
  Counters& counters = counters_[key][index];
  choice.request_number = ++counters.requests;
  auto found = plans_.find(key);
  if (found == plans_.end()) return choice;
  const Plan& plan = found->second[index];

  if (plan.slow_ms > 0 && counts(plan.slow_count, choice.request_number)) {
    choice.delay_ms = plan.slow_ms;
    describe(choice.description, "slow");
  }
  if (plan.trickle_ms > 0 && counts(plan.trickle_count, choice.request_number)) {
    choice.trickle_ms = plan.trickle_ms;
    describe(choice.description, "trickle");
  }

  // After a 429, the real API goes on refusing until the reset it announced: a client that
  // does not wait gets 429 again, and that does not use up the file's count.
  auto now_epoch = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  if (counters.limited_until && now_epoch < *counters.limited_until) {
    choice.status = 429;
    choice.reset_epoch = *counters.limited_until;
    describe(choice.description, "status_429_before_reset");
    return choice;
  }

  long position = counters.step_requests;
  for (const Step& step : plan.steps) {
    if (step.count >= 0 && position >= step.count) {
      position -= step.count;
      continue;
    }
    ++counters.step_requests;
    describe(choice.description, step.name);
    if (step.status) {
      choice.status = step.status;
      if (*step.status == 429) counters.limited_until = choice.reset_epoch = epoch_seconds_after(now, plan.reset_after_s);
      return choice;  // an error status has its own small body: no body faults
    }
    choice.body = step.body;
    break;
  }
  if (plan.huge_bytes > 0 && counts(plan.huge_count, choice.request_number)) {
    choice.huge_bytes = plan.huge_bytes;
    choice.huge_chunked = plan.huge_chunked;
    describe(choice.description, "huge");
  }
  return choice;
}

}  // namespace fake_x_api
