// The stage declarations (pipectl/stage_declaration.hpp): every parameter of every stage, built
// in or from a plugin, walked with bad values. Each must be refused by the check `pipectl check`
// runs, and the check and the stage's creation must agree on every value, bad or good: what run
// would refuse, check refuses first.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "builtin.hpp"
#include "pipectl/graph.hpp"
#include "pipectl/node_values.hpp"
#include "pipectl/plugin_loader.hpp"
#include "pipectl/registry.hpp"
#include "pipectl/stage_declaration.hpp"
#include "support/paths.hpp"

namespace fs = std::filesystem;
using namespace pipectl;

namespace {

Registry all_stages() {
  Registry registry;
  register_builtin_stages(registry);
  for (const char* variable : {"PIPECTL_WATERMARK_PLUGIN", "PIPECTL_TEST_STAGES_PLUGIN"}) {
    const char* file = std::getenv(variable);
    if (!file || !*file) FAIL(std::string(variable) + " is not set: run the tests with 'meson test'");
    load_plugin(file, registry);
  }
  return registry;
}

// Values no parameter of `spec`'s type and range takes.
std::vector<std::string> bad_values_for(const ParamSpec& spec) {
  std::vector<std::string> bad = {"{no_such_variable}"};
  auto outside = [&](double step) {
    if (spec.min) bad.push_back(format_number(*spec.min - step));
    if (spec.max) bad.push_back(format_number(*spec.max + step));
  };
  switch (spec.type) {
    case ParamType::integer:
      bad.insert(bad.end(), {"x", "1.5", "", "99999999999999999999"});
      outside(1);
      break;
    case ParamType::number:
      bad.insert(bad.end(), {"abc", "", "inf"});
      outside(0.5);
      break;
    case ParamType::boolean:
      bad.insert(bad.end(), {"maybe", ""});
      break;
    case ParamType::size:
      bad.insert(bad.end(), {"12", "0x5", "99999x2", "wide"});
      break;
    case ParamType::duration:
      bad.insert(bad.end(), {"soon", "-1s", "3 parsecs"});
      outside(0.001);
      break;
    case ParamType::list:
      bad.insert(bad.end(), {"[unclosed", "no brackets", "[[nested]]"});
      break;
    case ParamType::string:
      if (!spec.choices.empty()) bad.push_back("not-one-of-them");
      break;
  }
  return bad;
}

// Bad values that only a stage's own rules know of: a parameter (with the others it needs).
struct SemanticCase {
  std::string stage;
  std::map<std::string, std::string> values;
};

std::vector<SemanticCase> semantic_cases() {
  return {
      {"fetch", {{"dir", "no/such/folder"}}},
      {"fetch", {{"source", "archive"}, {"archive", "no/such/archive"}}},
      {"fetch", {{"api_base", "ftp://api.x.com"}}},
      {"fetch", {{"ca_file", "no-such-file.pem"}}},
      {"download-media", {{"cache", "/elsewhere/cache"}}},
      {"download-media", {{"ca_file", "no-such-file.pem"}}},
      {"render", {{"size", "1921x1080"}}},
      {"encode", {{"path", "/elsewhere/day.mp4"}}},
      {"encode", {{"path", "{out}"}}},
      {"filter", {{"drop", "[replies, selfies]"}}},
      {"filter", {{"keep", "[own]"}, {"drop", "[own]"}}},
      {"filter", {{"languages", "[english]"}}},
  };
}

struct Verdict {
  bool refused_by_check = false;
  std::string why;
  bool refused_by_create = false;
};

// What check and creation say of node `stage` with `values` over its defaults.
Verdict judge(const Registry& registry, const std::string& stage, const std::map<std::string, std::string>& values,
              const std::map<std::string, std::string>& run_variables) {
  const StageInfo* info = registry.find(stage);
  REQUIRE(info);
  Graph graph = parse_graph_text("node n : " + stage + "\n", (test::source_dir() / "graphs" / "walk.graph").string());
  std::vector<std::string> sets;
  for (const auto& [param, value] : values) sets.push_back("n." + param + "=" + value);
  apply_overrides(graph, sets);
  const auto variables = merge_variables(graph, run_variables);
  const RunContext context = check_context(graph, variables);

  Verdict verdict;
  NodeValues node = node_values(graph, graph.nodes.front(), *info, variables);
  for (const auto& problem : node.problems) verdict.why += problem.message + "; ";
  if (node.problems.empty() && info->check)
    for (const auto& problem : info->check(Params(node.values), context)) verdict.why += problem.message + "; ";
  verdict.refused_by_check = !verdict.why.empty();
  // Run refuses a value when it cannot bind it (node_values) or the stage cannot be made of it.
  if (!node.problems.empty()) {
    verdict.refused_by_create = true;
  } else {
    try {
      info->create(Params(node.values), context);
    } catch (const std::invalid_argument&) {
      verdict.refused_by_create = true;
    }
  }
  return verdict;
}

}  // namespace

TEST_CASE("every parameter of every stage refuses bad values at check time, as run would") {
  Registry registry = all_stages();
  test::TempDir out("pipectl-walk");
  const std::map<std::string, std::string> run = {
      {"handle", "orbit_daily"}, {"date", "2026-11-24"}, {"tz", "UTC"}, {"out", out.path().string()}};
  int walked = 0;
  for (const StageInfo* info : registry.all()) {
    for (const ParamSpec& spec : info->params) {
      for (const std::string& value : bad_values_for(spec)) {
        INFO(info->name << "." << spec.name << " = '" << value << "'");
        Verdict verdict = judge(registry, info->name, {{spec.name, value}}, run);
        CHECK(verdict.refused_by_check);
        CHECK(verdict.refused_by_create == verdict.refused_by_check);
        ++walked;
      }
      // The default is good, and both agree on it.
      INFO(info->name << "." << spec.name << " default '" << spec.default_value << "'");
      Verdict fine = judge(registry, info->name, {}, run);
      CHECK_FALSE(fine.refused_by_check);
      CHECK(fine.refused_by_create == fine.refused_by_check);
    }
  }
  CHECK(walked > 150);  // 192 when written: the walk really ran over every stage
}

TEST_CASE("values only a stage's own rules refuse are refused at check time too") {
  Registry registry = all_stages();
  test::TempDir out("pipectl-walk");
  const std::map<std::string, std::string> run = {
      {"handle", "orbit_daily"}, {"date", "2026-11-24"}, {"tz", "UTC"}, {"out", out.path().string()}};
  for (const auto& bad : semantic_cases()) {
    std::string described = bad.stage;
    for (const auto& [param, value] : bad.values) described += " " + param + "=" + value;
    INFO(described);
    Verdict verdict = judge(registry, bad.stage, bad.values, run);
    CHECK(verdict.refused_by_check);
    CHECK(verdict.refused_by_create);
  }
}

TEST_CASE("the run's variables are checked by the stages that read them") {
  Registry registry = all_stages();
  test::TempDir out("pipectl-walk");
  std::map<std::string, std::string> run = {
      {"handle", "orbit_daily"}, {"date", "2026-11-24"}, {"tz", "UTC"}, {"out", out.path().string()}};
  for (const char* stage : {"fetch", "render"}) {
    INFO(stage);
    auto bad_zone = run;
    bad_zone["tz"] = "Mars/Olympus_Mons";
    CHECK(judge(registry, stage, {}, bad_zone).refused_by_check);
    CHECK(judge(registry, stage, {}, bad_zone).refused_by_create);
    auto no_handle = run;
    no_handle.erase("handle");
    CHECK(judge(registry, stage, {}, no_handle).refused_by_check);
  }
  auto bad_day = run;
  bad_day["date"] = "2026-02-30";
  CHECK(judge(registry, "fetch", {}, bad_day).refused_by_check);
  CHECK(judge(registry, "fetch", {}, bad_day).refused_by_create);
}

TEST_CASE("each stage declares ports typed by their items, and every parameter has a line of documentation") {
  Registry registry = all_stages();
  const std::set<std::string> item_types = {"post", "media", "frame"};
  for (const StageInfo* info : registry.all()) {
    INFO(info->name);
    CHECK(info->check);  // declared with declare_stage, not filled by hand
    for (const auto& port : info->inputs) CHECK(item_types.count(port.item_type));
    for (const auto& port : info->outputs) CHECK(item_types.count(port.item_type));
    for (const auto& spec : info->params) CHECK_FALSE(spec.doc.empty());
  }
}
