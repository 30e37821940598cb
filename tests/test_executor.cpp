// The executor: items travel along the edges (in order through serial stages, on several
// threads through parallel ones), a bad item is skipped with a warning naming its node, a
// failing stage or a cancel flag stops the run and every stage is told to abort, and memory
// stays bounded when a downstream stage is slow.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "pipectl/executor.hpp"

using namespace pipectl;

namespace {

// Counts the Number payloads alive at once: the measure of what the executor holds.
std::atomic<int> live_payloads{0};
std::atomic<int> peak_payloads{0};

struct Payload {
  Payload() { note(++live_payloads); }
  Payload(const Payload&) { note(++live_payloads); }
  ~Payload() { --live_payloads; }
  static void note(int live) {
    int peak = peak_payloads.load();
    while (live > peak && !peak_payloads.compare_exchange_weak(peak, live)) {
    }
  }
};

struct Number {
  static constexpr std::string_view item_type = "number";
  int value = 0;
  std::shared_ptr<Payload> payload = std::make_shared<Payload>();
};

// What the stages saw and did; stages on different strands append concurrently.
struct Log {
  void see(int value) {
    std::lock_guard lock(mutex);
    seen.push_back(value);
  }
  void call(const std::string& what) {
    std::lock_guard lock(mutex);
    calls.push_back(what);
  }
  std::mutex mutex;
  std::vector<int> seen;
  std::vector<std::string> calls;
};

class Counter : public Stage {
 public:
  Counter(int count, Log& log) : count_(count), log_(log) {}
  void start(Emitter& out) override {
    for (int i = 1; i <= count_; ++i) out.emit(Item::make(Number{i}));
  }
  void abort() noexcept override { log_.call("counter abort"); }

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
  void abort() noexcept override { log_.call("doubler abort"); }

 private:
  int fail_at_;
  Log& log_;
};

class Collector : public Stage {
 public:
  Collector(Log& log, int delay_us) : log_(log), delay_us_(delay_us) {}
  void process(const Item& item, Emitter&) override {
    if (delay_us_) std::this_thread::sleep_for(std::chrono::microseconds(delay_us_));
    log_.see(item.as<Number>().value);
  }
  void finish(Emitter&) override { log_.call("collector finish"); }
  void abort() noexcept override { log_.call("collector abort"); }

 private:
  Log& log_;
  int delay_us_;
};

// Parallel: passes numbers on after a short, uneven pause, noting how many calls overlap.
class Jitter : public Stage {
 public:
  void process(const Item& item, Emitter& out) override {
    int now = ++running_;
    int seen = most_.load();
    while (now > seen && !most_.compare_exchange_weak(seen, now)) {
    }
    {
      std::lock_guard lock(mutex_);
      threads_.insert(std::this_thread::get_id());
    }
    int value = item.as<Number>().value;
    std::this_thread::sleep_for(std::chrono::microseconds(200 * ((value * 7) % 5)));
    --running_;
    out.emit(Item::make(Number{value}));
  }
  static inline std::atomic<int> running_{0};
  static inline std::atomic<int> most_{0};
  static inline std::mutex mutex_;
  static inline std::set<std::thread::id> threads_;
};

// Raises the cancel flag at its second item, as a signal handler would.
class Trigger : public Stage {
 public:
  explicit Trigger(std::atomic<bool>& cancel) : cancel_(cancel) {}
  void process(const Item&, Emitter&) override {
    if (++count_ == 2) cancel_ = true;
  }

 private:
  std::atomic<bool>& cancel_;
  int count_ = 0;
};

// Serial: writes numbers strictly in order, holding early ones (keeping the items, as encode
// does), and on release_held goes on past the first missing number.
class Reorder : public Stage {
 public:
  explicit Reorder(Log& log) : log_(log) {}
  void process(const Item& item, Emitter&) override {
    held_.emplace(item.as<Number>().value, item);
    write_ready();
  }
  void release_held(Emitter&) override {
    if (held_.empty()) return;
    log_.call("skipped to " + std::to_string(held_.begin()->first));
    next_ = held_.begin()->first;
    write_ready();
  }
  void finish(Emitter& out) override {
    while (!held_.empty()) release_held(out);
  }

 private:
  void write_ready() {
    while (!held_.empty() && held_.begin()->first == next_) {
      log_.see(next_++);
      held_.erase(held_.begin());
    }
  }
  Log& log_;
  std::map<int, Item> held_;
  int next_ = 1;
};

// Parallel: drops every multiple of 7 as a bad item.
class Dropper : public Stage {
 public:
  void process(const Item& item, Emitter& out) override {
    if (item.as<Number>().value % 7 == 0) throw ItemError("dropped " + std::to_string(item.as<Number>().value));
    out.emit(item);
  }
};

// Serial: keeps every number's value and sends them all on from finish(), as filter does
// (without payloads: what it keeps is small).
class Hoarder : public Stage {
 public:
  void process(const Item& item, Emitter&) override { values_.push_back(item.as<Number>().value); }
  void finish(Emitter& out) override {
    for (int value : values_) out.emit(Item::make(Number{value, nullptr}));
  }

 private:
  std::vector<int> values_;
};

// Parallel: gives each number a payload (a decoded picture, say) and sends it on.
class Inflater : public Stage {
 public:
  void process(const Item& item, Emitter& out) override { out.emit(Item::make(Number{item.as<Number>().value})); }
};

Registry registry_for(Log& log, std::string* seen_label = nullptr, std::atomic<bool>* cancel = nullptr) {
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
                         .params = {{.name = "label", .type = ParamType::string, .default_value = "none", .doc = ""},
                                    {.name = "delay_us", .type = ParamType::integer, .default_value = "0", .doc = ""}},
                         .create = [&log, seen_label](const Params& p, const RunContext&) -> std::unique_ptr<Stage> {
                           if (seen_label) *seen_label = p.text("label");
                           return std::make_unique<Collector>(log, static_cast<int>(p.integer("delay_us")));
                         }});
  registry.add(StageInfo{.name = "jitter", .summary = "", .inputs = {{"in", "number"}}, .outputs = {{"out", "number"}},
                         .params = {},
                         .create = [](const Params&, const RunContext&) -> std::unique_ptr<Stage> {
                           return std::make_unique<Jitter>();
                         },
                         .concurrency = Concurrency::parallel});
  registry.add(StageInfo{.name = "reorder", .summary = "", .inputs = {{"in", "number"}}, .outputs = {}, .params = {},
                         .create = [&log](const Params&, const RunContext&) -> std::unique_ptr<Stage> {
                           return std::make_unique<Reorder>(log);
                         }});
  registry.add(StageInfo{.name = "dropper", .summary = "", .inputs = {{"in", "number"}}, .outputs = {{"out", "number"}},
                         .params = {},
                         .create = [](const Params&, const RunContext&) -> std::unique_ptr<Stage> {
                           return std::make_unique<Dropper>();
                         },
                         .concurrency = Concurrency::parallel});
  registry.add(StageInfo{.name = "hoarder", .summary = "", .inputs = {{"in", "number"}}, .outputs = {{"out", "number"}},
                         .params = {},
                         .create = [](const Params&, const RunContext&) -> std::unique_ptr<Stage> {
                           return std::make_unique<Hoarder>();
                         }});
  registry.add(StageInfo{.name = "inflater", .summary = "", .inputs = {{"in", "number"}}, .outputs = {{"out", "number"}},
                         .params = {},
                         .create = [](const Params&, const RunContext&) -> std::unique_ptr<Stage> {
                           return std::make_unique<Inflater>();
                         },
                         .concurrency = Concurrency::parallel});
  registry.add(StageInfo{.name = "trigger", .summary = "", .inputs = {{"in", "number"}}, .outputs = {}, .params = {},
                         .create = [cancel](const Params&, const RunContext&) -> std::unique_ptr<Stage> {
                           return std::make_unique<Trigger>(*cancel);
                         }});
  return registry;
}

RunOptions options_for(const std::string& handle) {
  RunOptions options;
  options.context.variables["handle"] = handle;
  options.context.variables["date"] = "2026-11-24";
  options.context.out_dir = "/tmp/out";
  options.threads = 4;
  return options;
}

}  // namespace

TEST_CASE("items flow in order through serial stages; a bad item is skipped with a warning naming its node") {
  Log log;
  std::string label;
  Registry registry = registry_for(log, &label);
  Graph graph = parse_graph_text(
      "set flavour = plain\nnode c : counter count=5\nnode d : doubler\n"
      "node k : collector label=\"{out}/{handle}/{date}-{flavour}\"\nc -> d -> k\n",
      "g.graph");
  REQUIRE(check_graph(graph, registry).empty());
  RunOptions options = options_for("nasa");
  std::vector<std::pair<std::string, std::string>> reported;  // kind, message
  options.on_warning = [&](const std::string& kind, const std::string& message) { reported.emplace_back(kind, message); };
  RunResult result = run_graph(graph, registry, options);
  CHECK(result.ok);
  CHECK(log.seen == std::vector<int>{2, 4, 8, 10, 1000});
  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0] == "d: number 3 is bad");
  // An ItemError is a warning of kind "item skipped" unless it names its own.
  CHECK(reported == std::vector<std::pair<std::string, std::string>>{{"item skipped", "d: number 3 is bad"}});
  CHECK(label == "/tmp/out/nasa/2026-11-24-plain");
  CHECK(log.calls == std::vector<std::string>{"collector finish"});
}

TEST_CASE("a failing stage fails the run, names the node, and every stage aborts") {
  Log log;
  Registry registry = registry_for(log);
  Graph graph = parse_graph_text("node c : counter count=50\nnode d : doubler fail_at=4\nnode k : collector\nc -> d -> k\n",
                                 "g.graph");
  RunResult result = run_graph(graph, registry, options_for("esa"));
  CHECK_FALSE(result.ok);
  CHECK(result.failed_node == "d");
  CHECK(result.error == "broke on 4");
  // 1 and 2 went through (unless the failure overtook them), 3 was skipped, 4 broke the run.
  CHECK(log.seen.size() <= 2);
  for (size_t i = 0; i < log.seen.size(); ++i) CHECK(log.seen[i] == 2 * static_cast<int>(i + 1));
  CHECK(log.calls == std::vector<std::string>{"counter abort", "doubler abort", "collector abort"});
}

TEST_CASE("fan-out delivers every item to each successor") {
  Log first;
  Log second;
  Registry registry = registry_for(first);
  registry.add(StageInfo{.name = "other", .summary = "", .inputs = {{"in", "number"}}, .outputs = {}, .params = {},
                         .create = [&second](const Params&, const RunContext&) -> std::unique_ptr<Stage> {
                           return std::make_unique<Collector>(second, 0);
                         }});
  Graph graph = parse_graph_text("node c : counter count=3\nnode k : collector\nnode j : other\nc -> k\nc -> j\n", "g.graph");
  RunResult result = run_graph(graph, registry, options_for("jaxa"));
  CHECK(result.ok);
  CHECK(first.seen == std::vector<int>{1, 2, 3});
  CHECK(second.seen == std::vector<int>{1, 2, 3});
}

TEST_CASE("a parallel stage runs on several threads; every item arrives") {
  Log log;
  Registry registry = registry_for(log);
  Graph graph = parse_graph_text("node c : counter count=200\nnode p : jitter\nnode k : collector\nc -> p -> k\n", "g.graph");
  RunOptions options = options_for("isro");
  options.max_in_flight = 16;
  RunResult result = run_graph(graph, registry, options);
  CHECK(result.ok);
  REQUIRE(log.seen.size() == 200);
  CHECK(Jitter::most_.load() > 1);  // calls overlapped
  CHECK(Jitter::threads_.size() > 1);
  CHECK_FALSE(std::is_sorted(log.seen.begin(), log.seen.end()));  // and finished out of order
  std::sort(log.seen.begin(), log.seen.end());
  for (int i = 0; i < 200; ++i) CHECK(log.seen[i] == i + 1);
}

TEST_CASE("memory stays bounded when the downstream stage is slow") {
  Log log;
  Registry registry = registry_for(log);
  Graph graph = parse_graph_text("node c : counter count=2000\nnode k : collector delay_us=100\nc -> k\n", "g.graph");
  RunOptions options = options_for("csa");
  options.threads = 2;
  options.max_in_flight = 4;
  peak_payloads = 0;
  RunResult result = run_graph(graph, registry, options);
  CHECK(result.ok);
  CHECK(log.seen.size() == 2000);
  // Four items in flight, plus the one the source is building when it waits for a ticket.
  CHECK(peak_payloads.load() <= 5);
  CHECK(live_payloads.load() == 0);
}

TEST_CASE("items a stage sends from finish() wait for tickets: what follows stays bounded, in order") {
  Log log;
  Registry registry = registry_for(log);
  Graph graph = parse_graph_text("node c : counter count=500\nnode h : hoarder\nnode i : inflater\n"
                                 "node k : collector delay_us=100\nc -> h -> i -> k\n",
                                 "g.graph");
  RunOptions options = options_for("hoard");
  options.threads = 2;
  options.max_in_flight = 4;
  peak_payloads = 0;
  RunResult result = run_graph(graph, registry, options);
  CHECK(result.ok);
  REQUIRE(log.seen.size() == 500);
  // Before they waited for tickets, all 500 were inflated at once ahead of the slow collector.
  CHECK(peak_payloads.load() <= 2 * 4 + 1);
  CHECK(live_payloads.load() == 0);
  CHECK(log.calls == std::vector<std::string>{"collector finish"});  // once, after the last item
}

TEST_CASE("an unbound variable in a parameter is an error naming the place") {
  Log log;
  Registry registry = registry_for(log);
  Graph graph = parse_graph_text("node c : counter\nnode k : collector label=\"{nope}\"\nc -> k\n", "g.graph");
  RunResult result = run_graph(graph, registry, options_for("jaxa"));
  CHECK_FALSE(result.ok);
  CHECK(result.error.find("g.graph:2:26") != std::string::npos);
  CHECK(result.error.find("uses the variable {nope}, which the run does not define") != std::string::npos);
}

TEST_CASE("a cancel flag stops the run at the next item and every stage aborts") {
  Log log;
  std::atomic<bool> cancel{false};
  Registry registry = registry_for(log, nullptr, &cancel);
  Graph graph = parse_graph_text("node c : counter count=100000\nnode d : doubler\nnode k : collector\nnode t : trigger\n"
                                 "c -> d -> k\nc -> t\n",
                                 "g.graph");
  RunOptions options = options_for("kari");
  options.cancel = &cancel;
  RunResult result = run_graph(graph, registry, options);
  CHECK_FALSE(result.ok);
  CHECK(result.cancelled);
  CHECK(result.error == "interrupted");
  CHECK(log.seen.size() < 100);  // stopped within a few tickets of the flag, not at the end
  CHECK(log.calls == std::vector<std::string>{"counter abort", "doubler abort", "collector abort"});
}

TEST_CASE("items a stage keeps count against the bound; a stall asks it to let go") {
  Log log;
  Registry registry = registry_for(log);
  // jitter reorders, dropper loses every 7th number, reorder waits for each missing one: only
  // release_held gets it past a gap, since its held items use up every ticket.
  Graph graph = parse_graph_text("node c : counter count=100\nnode p : jitter\nnode d : dropper\nnode r : reorder\n"
                                 "c -> p -> d -> r\n",
                                 "g.graph");
  RunOptions options = options_for("stall");
  options.max_in_flight = 4;
  peak_payloads = 0;
  RunResult result = run_graph(graph, registry, options);
  CHECK(result.ok);
  CHECK(result.warnings.size() == 14);  // 7, 14, ..., 98
  std::vector<int> expected;
  for (int i = 1; i <= 100; ++i)
    if (i % 7 != 0) expected.push_back(i);
  CHECK(log.seen == expected);  // in order, nothing lost but the dropped
  // Per ticket: the item a stage holds or works on, and the one it is making from it.
  CHECK(peak_payloads.load() <= 2 * 4 + 1);
  CHECK(live_payloads.load() == 0);
}

TEST_CASE("an item sent to one output port reaches only the edges from that port") {
  Log odd;
  Log even;
  Registry registry = registry_for(odd);
  class Splitter : public Stage {
   public:
    explicit Splitter(bool name_ports) : name_ports_(name_ports) {}
    void process(const Item& item, Emitter& out) override {
      if (!name_ports_) return out.emit(item);
      out.emit_to(item.as<Number>().value % 2 ? "odd" : "even", item);
    }

   private:
    bool name_ports_;
  };
  registry.add(StageInfo{.name = "splitter", .summary = "", .inputs = {{"in", "number"}},
                         .outputs = {{"odd", "number"}, {"even", "number"}},
                         .params = {{.name = "name_ports", .type = ParamType::boolean, .default_value = "true", .doc = ""}},
                         .create = [](const Params& p, const RunContext&) -> std::unique_ptr<Stage> {
                           return std::make_unique<Splitter>(p.boolean("name_ports"));
                         }});
  registry.add(StageInfo{.name = "other", .summary = "", .inputs = {{"in", "number"}}, .outputs = {}, .params = {},
                         .create = [&even](const Params&, const RunContext&) -> std::unique_ptr<Stage> {
                           return std::make_unique<Collector>(even, 0);
                         }});
  Graph graph = parse_graph_text("node c : counter count=6\nnode s : splitter\nnode k : collector\nnode j : other\n"
                                 "c -> s\ns.odd -> k\ns.even -> j\n",
                                 "g.graph");
  REQUIRE(check_graph(graph, registry).empty());
  RunResult result = run_graph(graph, registry, options_for("ports"));
  CHECK(result.ok);
  CHECK(odd.seen == std::vector<int>{1, 3, 5});
  CHECK(even.seen == std::vector<int>{2, 4, 6});

  // A stage with several outputs that does not say which one is a programming error.
  Graph unnamed = parse_graph_text("node c : counter count=2\nnode s : splitter name_ports=false\nnode k : collector\n"
                                   "c -> s\ns.odd -> k\n",
                                   "g.graph");
  RunResult refused = run_graph(unnamed, registry, options_for("ports"));
  CHECK_FALSE(refused.ok);
  CHECK(refused.failed_node == "s");
  CHECK(refused.error.find("must emit_to() one of them") != std::string::npos);
}

TEST_CASE("progress reports: every node at the start in topological order, counts per item, done at the end") {
  Log log;
  Registry registry = registry_for(log);
  // Declared out of order: positions follow the edges, not the file.
  Graph graph = parse_graph_text("node k : collector\nnode d : doubler\nnode c : counter count=5\nc -> d -> k\n",
                                 "g.graph");
  REQUIRE(check_graph(graph, registry).empty());
  std::mutex mutex;
  std::vector<NodeProgress> reports;
  RunOptions options = options_for("nasa");
  options.on_progress = [&](const NodeProgress& progress) {
    std::lock_guard lock(mutex);
    reports.push_back(progress);
  };
  RunResult result = run_graph(graph, registry, options);
  REQUIRE(result.ok);
  REQUIRE(reports.size() >= 3);
  for (size_t i = 0; i < 3; ++i) {
    INFO(i);
    CHECK(reports[i].position == i);
    CHECK(reports[i].received == 0);
    CHECK(reports[i].emitted == 0);
    CHECK_FALSE(reports[i].done);
  }
  CHECK(reports[0].node == "c");
  CHECK(reports[1].node == "d");
  CHECK(reports[1].stage == "doubler");
  CHECK(reports[2].node == "k");
  std::map<std::string, NodeProgress> last;
  std::map<std::string, int> done;
  for (const auto& report : reports) {
    CHECK_FALSE(last[report.node].done);  // nothing after "done"
    CHECK(report.received >= last[report.node].received);
    CHECK(report.emitted >= last[report.node].emitted);
    last[report.node] = report;
    done[report.node] += report.done;
  }
  CHECK(done == std::map<std::string, int>{{"c", 1}, {"d", 1}, {"k", 1}});
  CHECK(last["c"].emitted == 5);
  CHECK(last["d"].received == 5);   // number 3 was processed, and refused
  CHECK(last["d"].emitted == 5);    // 2, 4, 8, 10 and 1000 from finish()
  CHECK(last["k"].received == 5);
  CHECK(last["k"].emitted == 0);
}

TEST_CASE("a stage's announced wait reaches RunOptions::on_wait with its node") {
  class Waiter : public Stage {
   public:
    explicit Waiter(RunContext context) : context_(std::move(context)) {}
    void start(Emitter&) override { context_.notify_wait("rate limit", 12.5); }

   private:
    RunContext context_;
  };
  Registry registry;
  registry.add(StageInfo{.name = "waiter", .summary = "", .inputs = {}, .outputs = {{"out", "number"}}, .params = {},
                         .create = [](const Params&, const RunContext& context) -> std::unique_ptr<Stage> {
                           return std::make_unique<Waiter>(context);
                         }});
  Graph graph = parse_graph_text("node patient : waiter\n", "g.graph");
  std::vector<std::string> waits;
  RunOptions options = options_for("nasa");
  options.on_wait = [&](const std::string& node, const std::string& reason, double seconds) {
    waits.push_back(node + " " + reason + " " + std::to_string(seconds));
  };
  CHECK(run_graph(graph, registry, options).ok);
  CHECK(waits == std::vector<std::string>{"patient rate limit 12.500000"});
}
