// The executor: items travel along the edges in order, a bad item is skipped with a warning
// naming its node, a failing stage fails the run and every stage is told to abort.
#include <catch2/catch.hpp>

#include <memory>

#include "pipectl/executor.hpp"

using namespace pipectl;

namespace {

struct Number {
  static constexpr std::string_view item_type = "number";
  int value = 0;
};

struct Log {
  std::vector<int> seen;
  std::vector<std::string> calls;
};

class Counter : public Stage {
 public:
  Counter(int count, Log& log) : count_(count), log_(log) {}
  void start(Emitter& out) override {
    for (int i = 1; i <= count_; ++i) out.emit(Item::make(Number{i}));
  }
  void abort() noexcept override { log_.calls.push_back("counter abort"); }

 private:
  int count_;
  Log& log_;
};

// Doubles numbers; refuses 3 as a bad item and fails the stage on `fail_at`.
class Doubler : public Stage {
 public:
  Doubler(int fail_at, Log& log) : fail_at_(fail_at), log_(log) {}
  void process(const Item& item, Emitter& out) override {
    int value = item.as<Number>().value;
    if (value == 3) throw ItemError("number 3 is bad");
    if (value == fail_at_) throw std::runtime_error("broke on " + std::to_string(value));
    out.emit(Item::make(Number{value * 2}));
  }
  void finish(Emitter& out) override { out.emit(Item::make(Number{1000})); }
  void abort() noexcept override { log_.calls.push_back("doubler abort"); }

 private:
  int fail_at_;
  Log& log_;
};

class Collector : public Stage {
 public:
  explicit Collector(Log& log) : log_(log) {}
  void process(const Item& item, Emitter&) override { log_.seen.push_back(item.as<Number>().value); }
  void finish(Emitter&) override { log_.calls.push_back("collector finish"); }
  void abort() noexcept override { log_.calls.push_back("collector abort"); }

 private:
  Log& log_;
};

Registry registry_for(Log& log, std::string* seen_label = nullptr) {
  Registry registry;
  registry.add(StageInfo{.name = "counter", .summary = "", .inputs = {}, .outputs = {{"out", "number"}},
                         .params = {{.name = "count", .type = ParamType::integer, .default_value = "5", .doc = ""}},
                         .create = [&log](const Params& p, const RunContext&) -> std::unique_ptr<Stage> {
                           return std::make_unique<Counter>(static_cast<int>(p.integer("count")), log);
                         }});
  registry.add(StageInfo{.name = "doubler", .summary = "", .inputs = {{"in", "number"}}, .outputs = {{"out", "number"}},
                         .params = {{.name = "fail_at", .type = ParamType::integer, .default_value = "-1", .doc = ""}},
                         .create = [&log](const Params& p, const RunContext&) -> std::unique_ptr<Stage> {
                           return std::make_unique<Doubler>(static_cast<int>(p.integer("fail_at")), log);
                         }});
  registry.add(StageInfo{.name = "collector", .summary = "", .inputs = {{"in", "number"}}, .outputs = {},
                         .params = {{.name = "label", .type = ParamType::string, .default_value = "none", .doc = ""}},
                         .create = [&log, seen_label](const Params& p, const RunContext&) -> std::unique_ptr<Stage> {
                           if (seen_label) *seen_label = p.text("label");
                           return std::make_unique<Collector>(log);
                         }});
  return registry;
}

RunOptions options_for(const std::string& handle) {
  RunOptions options;
  options.context.handle = handle;
  options.context.date = "2026-11-24";
  options.context.out_dir = "/tmp/out";
  return options;
}

}  // namespace

TEST_CASE("items flow in order; a bad item is skipped with a warning naming its node") {
  Log log;
  std::string label;
  Registry registry = registry_for(log, &label);
  Graph graph = parse_graph_text(
      "set flavour = plain\nnode c : counter count=5\nnode d : doubler\n"
      "node k : collector label=\"{out}/{handle}/{date}-{flavour}\"\nc -> d -> k\n",
      "g.graph");
  REQUIRE(check_graph(graph, registry).empty());
  RunResult result = run_graph(graph, registry, options_for("nasa"));
  CHECK(result.ok);
  CHECK(log.seen == std::vector<int>{2, 4, 8, 10, 1000});
  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0] == "d: number 3 is bad");
  CHECK(label == "/tmp/out/nasa/2026-11-24-plain");
  CHECK(log.calls == std::vector<std::string>{"collector finish"});
}

TEST_CASE("a failing stage fails the run, names the node, and every stage aborts") {
  Log log;
  Registry registry = registry_for(log);
  Graph graph = parse_graph_text("node c : counter\nnode d : doubler fail_at=4\nnode k : collector\nc -> d -> k\n", "g.graph");
  RunResult result = run_graph(graph, registry, options_for("esa"));
  CHECK_FALSE(result.ok);
  CHECK(result.failed_node == "d");
  CHECK(result.error == "broke on 4");
  CHECK(log.seen == std::vector<int>{2, 4});  // 1 and 2 went through, 3 was skipped, 4 broke the run
  CHECK(log.calls == std::vector<std::string>{"counter abort", "doubler abort", "collector abort"});
}

TEST_CASE("fan-out delivers every item to each successor") {
  Log log;
  Registry registry = registry_for(log);
  Graph graph = parse_graph_text("node c : counter count=2\nnode k : collector\nnode j : collector\nc -> k\nc -> j\n", "g.graph");
  RunResult result = run_graph(graph, registry, options_for("jaxa"));
  CHECK(result.ok);
  CHECK(log.seen == std::vector<int>{1, 1, 2, 2});
}

TEST_CASE("an unbound variable in a parameter is an error naming the place") {
  Log log;
  Registry registry = registry_for(log);
  Graph graph = parse_graph_text("node c : counter\nnode k : collector label=\"{nope}\"\nc -> k\n", "g.graph");
  RunResult result = run_graph(graph, registry, options_for("jaxa"));
  CHECK_FALSE(result.ok);
  CHECK(result.error.find("g.graph:2:26") != std::string::npos);
  CHECK(result.error.find("unbound variable") != std::string::npos);
}

TEST_CASE("a cancel flag stops the run at the next item and every stage aborts") {
  Log log;
  Registry registry = registry_for(log);
  std::atomic<bool> cancel{false};
  // The trigger raises the flag once two items were seen, as a signal handler would.
  registry.add(StageInfo{.name = "trigger", .summary = "", .inputs = {{"in", "number"}}, .outputs = {}, .params = {},
                         .create = [&](const Params&, const RunContext&) -> std::unique_ptr<Stage> {
                           struct Trigger : Stage {
                             Trigger(Log& log, std::atomic<bool>& cancel) : log(log), cancel(cancel) {}
                             void process(const Item& item, Emitter&) override {
                               log.seen.push_back(item.as<Number>().value);
                               if (log.seen.size() == 2) cancel = true;
                             }
                             Log& log;
                             std::atomic<bool>& cancel;
                           };
                           return std::make_unique<Trigger>(log, cancel);
                         }});
  Graph graph = parse_graph_text("node c : counter count=100\nnode d : doubler\nnode k : collector\nnode t : trigger\n"
                                 "c -> d -> k\nc -> t\n", "g.graph");
  RunOptions options = options_for("jaxa");
  options.cancel = &cancel;
  RunResult result = run_graph(graph, registry, options);
  CHECK_FALSE(result.ok);
  CHECK(result.cancelled);
  CHECK(result.error == "interrupted");
  CHECK(log.seen == std::vector<int>{2, 1});  // item 1 reached k (doubled) and t; item 2 never left c
  CHECK(log.calls == std::vector<std::string>{"counter abort", "doubler abort", "collector abort"});
}
