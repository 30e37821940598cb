// The stage contract: what a stage declares (ports, parameters) and how it is driven.
// Built-in stages and plugins use exactly this header.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "pipectl/item.hpp"
#include "pipectl/params.hpp"
#include "pipectl/ports.hpp"
#include "pipectl/warn.hpp"

namespace pipectl {

// Everything a stage may know about the run it is part of. Paths in `out_dir` are the only
// place a stage may write to.
struct RunContext {
  // The run's named variables: `pipectl run` defines handle, date, tz and out; a graph's `set`
  // lines and the command line add others. A stage reads those it declared
  // (StageDeclaration::variable binds them into its settings).
  std::map<std::string, std::string> variables;
  std::string out_dir;  // the output folder the user chose
  std::string graph_dir;  // folder of the graph file: relative parameters resolve against it
  // The threads this graph instance may keep busy (filled in by the executor: its pool size).
  // Stages with threads of their own (encode's x264) stay within it, so that handles running
  // side by side do not oversubscribe the cores. 0: not known, use every core.
  int threads = 0;
  // Reports a problem with one item that the stage skipped or downgraded; the run goes on.
  // warn(kind, message) or warn(message) (kind "warning"): see pipectl/warn.hpp.
  Warn warn;
  // Tells the people watching that the stage is about to wait `seconds` for `reason` (an API
  // rate limit, say), so a silent pause is not taken for a hang. May be empty in test harnesses.
  std::function<void(const std::string& reason, double seconds)> notify_wait;
  // A source tells how many items it will emit, once it knows (fetch: the day's posts, sorted
  // before the first is sent), so progress can be shown as a fraction. May be empty.
  std::function<void(std::uint64_t items)> expect_items;
  // True once the run is being stopped (Ctrl-C, a time-out, another stage failed): a stage in
  // a long wait (a rate limit) should give up instead of sleeping on. May be empty.
  std::function<bool()> cancelled;

  // The variable's value, or an empty string when the run does not define it.
  const std::string& variable(const std::string& name) const {
    static const std::string none;
    auto found = variables.find(name);
    return found == variables.end() ? none : found->second;
  }
};

// Thrown by a stage for one bad item: the item is skipped (or downgraded), the error is
// reported with the stage's name, and the graph goes on. Any other exception fails the stage
// and with it the graph.
class ItemError : public std::runtime_error {
 public:
  explicit ItemError(const std::string& message, std::string kind = "item skipped")
      : std::runtime_error(message), kind_(std::move(kind)) {}
  // The warning's kind (pipectl/warn.hpp).
  const std::string& kind() const noexcept { return kind_; }

 private:
  std::string kind_;
};

// What the executor drives. Stages derive from StageFor<their input item types...> (below),
// which hands each item to receive() already typed; a source is a StageFor<>.
class Stage {
 public:
  virtual ~Stage() = default;
  // Sources (stages without inputs) produce all their items here.
  virtual void start(Emitter& /*out*/) {}
  // One input item; emit zero or more output items. StageFor implements it.
  virtual void process(const Item& /*item*/, Emitter& /*out*/) {}
  // The input has ended: flush what is held.
  virtual void finish(Emitter& /*out*/) {}
  // The run is stalled: the sources wait because every item allowed in flight is held by
  // stages (a stage waiting for an item that was dropped upstream, say), and no work is left.
  // Emit or drop some of what is held; encode gives up on the frame it waits for.
  virtual void release_held(Emitter& /*out*/) {}
  // The run is being abandoned (an upstream stage failed): remove temporary files.
  virtual void abort() noexcept {}
};

// A stage taking items of the types `In` (one receive() override per type). A type that is not
// among them cannot be read: the mistake is a compile error, not a run-time one.
template <ItemType... In>
class StageFor : public Stage, public Receives<In>... {
 public:
  void process(const Item& item, Emitter& out) final {
    if (!(deliver<In>(item, out) || ...))
      throw std::logic_error("item of type '" + std::string(item.type()) + "' reached a stage that does not take it");
  }

 private:
  template <ItemType T>
  bool deliver(const Item& item, Emitter& out) {
    if (!item.is<T>()) return false;
    static_cast<Receives<T>&>(*this).receive(Kept<T>(item), out);
    return true;
  }
};

struct PortSpec {
  std::string name;       // "in", "out", or a descriptive name
  std::string item_type;  // "post", "media", "frame", ...
};

// How the executor may call a stage's process().
enum class Concurrency {
  // One call at a time, in the order items arrive (the stage runs on a strand): for stages
  // that keep state between items, such as encode.
  serial,
  // Calls may overlap on several threads and items may leave out of order: for stages whose
  // items are independent, such as render. process() must be thread-safe, and so must the
  // Emitter calls it makes; start/finish/abort are still called one at a time.
  parallel,
};

// A value `check` refuses: the parameter it is about (empty: the node as a whole) and why.
struct ParamProblem {
  std::string param;
  std::string message;
};

// What the framework knows of a stage. Stages do not fill it by hand: StageDeclaration
// (pipectl/stage_declaration.hpp) derives all of it from one declaration, so `pipectl stages`,
// `check`, `--set`, `dot` and the settings a stage is built with cannot disagree.
struct StageInfo {
  std::string name;
  std::string summary;
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs;
  std::vector<ParamSpec> params;
  // The run variables the stage reads (RunContext::variables); a run must define them.
  std::vector<std::string> variables{};
  // Every problem with these parameters (each already of its declared type) that would stop
  // create(): ranges, choices, units, rules across parameters. `pipectl check` calls it, with
  // the variables the run will define, so that run never refuses what check passed.
  std::function<std::vector<ParamProblem>(const Params&, const RunContext&)> check{};
  // Builds the stage; throws std::invalid_argument for parameters check() refuses.
  std::function<std::unique_ptr<Stage>(const Params&, const RunContext&)> create;
  // The files a node of this stage leaves when it completes (a sink's products), for the
  // supervisor: a handle whose files all exist is skipped on a rerun, and temporary files of a
  // writer that died (pipectl/temp_files.hpp) are removed before it runs again. May be empty.
  std::function<std::vector<std::string>(const Params&, const RunContext&)> writes{};
  // Process-wide setup, run once by the command before any graph of the run starts (and
  // before it forks a process per handle): shared limits, allocator settings. May be empty.
  std::function<void(const RunContext&)> prepare_process{};
  Concurrency concurrency = Concurrency::serial;
  // Filled by the plugin loader: the plugin file the stage came from; empty for built-in stages.
  std::string origin{};
};

}  // namespace pipectl
