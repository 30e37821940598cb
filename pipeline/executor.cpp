// A single-threaded push executor: a source emits an item, and the item travels depth first
// along the edges before the source emits the next one. At most one item per edge is in
// flight, so memory does not grow with the length of the day.
#include "pipectl/executor.hpp"

#include <memory>
#include <stdexcept>

namespace pipectl {

std::map<std::string, std::string> run_variables(const Graph& graph, const RunOptions& options) {
  std::map<std::string, std::string> variables = graph.variables;
  const RunContext& context = options.context;
  if (!context.handle.empty()) variables["handle"] = context.handle;
  if (!context.date.empty()) variables["date"] = context.date;
  if (!context.tz.empty()) variables["tz"] = context.tz;
  if (!context.out_dir.empty()) variables["out"] = context.out_dir;
  for (const auto& [name, value] : options.variables) variables[name] = value;
  return variables;
}

Params resolve_params(const Graph& graph, const Node& node, const StageInfo& info,
                      const std::map<std::string, std::string>& variables) {
  std::map<std::string, std::string> values;
  for (const auto& spec : info.params) {
    auto given = node.params.find(spec.name);
    SourceLocation where = given != node.params.end() ? given->second.location : node.location;
    std::string text = substitute_variables(given != node.params.end() ? given->second.text : spec.default_value,
                                            variables);
    auto open = text.find('{');
    if (open != std::string::npos && text.find('}', open) != std::string::npos)
      throw GraphError(format_graph_error(graph, where,
          "parameter '" + spec.name + "' of node '" + node.name + "' uses an unbound variable in '" + text +
              "' (bound: handle, date, tz, out, and 'set' lines)"));
    if (auto problem = check_param_value(spec, text))
      throw GraphError(format_graph_error(graph, where, *problem));
    values[spec.name] = text;
  }
  return Params(std::move(values));
}

namespace {

struct RunNode {
  const Node* node = nullptr;
  const StageInfo* info = nullptr;
  std::unique_ptr<Stage> stage;
  std::vector<size_t> successors;
  RunContext context;
};

class Run;

// Sends a node's output to every node its output feeds.
class NodeEmitter : public Emitter {
 public:
  NodeEmitter(Run& run, size_t index) : run_(run), index_(index) {}
  void emit(Item item) override;

 private:
  Run& run_;
  size_t index_;
};

// The first failure of a stage: it unwinds the whole run.
struct StageFailure {
  std::string node;
  std::string message;
};

// RunOptions::cancel was set: unwinds the whole run.
struct Cancelled {};

class Run {
 public:
  Run(const Graph& graph, const Registry& registry, const RunOptions& options) : options_(options) {
    auto variables = run_variables(graph, options);
    for (const auto& node : graph.nodes) {
      RunNode run_node;
      run_node.node = &node;
      run_node.info = registry.find(node.stage);
      if (!run_node.info) throw GraphError("unknown stage '" + node.stage + "' (run 'pipectl check')");
      nodes_.push_back(std::move(run_node));
    }
    for (const auto& edge : graph.edges) nodes_[index_of(edge.from)].successors.push_back(index_of(edge.to));
    order_ = topological_order();
    for (size_t index : order_) {
      RunNode& run_node = nodes_[index];
      Params params = resolve_params(graph, *run_node.node, *run_node.info, variables);
      run_node.context = options.context;
      if (run_node.context.graph_dir.empty()) run_node.context.graph_dir = graph.folder();
      std::string name = run_node.node->name;
      run_node.context.warn = [this, name](const std::string& message) { warn(name + ": " + message); };
      try {
        run_node.stage = run_node.info->create(params, run_node.context);
      } catch (const std::exception& error) {
        throw StageFailure{name, error.what()};
      }
      emitters_.push_back(std::make_unique<NodeEmitter>(*this, index));
    }
  }

  void execute() {
    check_cancel();
    for (size_t index : order_)
      if (nodes_[index].info->inputs.empty()) guarded(index, [&](Emitter& out) { nodes_[index].stage->start(out); });
    for (size_t index : order_) {
      check_cancel();
      guarded(index, [&](Emitter& out) { nodes_[index].stage->finish(out); });
    }
  }

  void abort_all() noexcept {
    for (auto& node : nodes_)
      if (node.stage) node.stage->abort();
  }

  void deliver(size_t from, const Item& item) {
    check_cancel();
    for (size_t to : nodes_[from].successors)
      guarded(to, [&](Emitter& out) { nodes_[to].stage->process(item, out); });
  }

  std::vector<std::string> warnings;

 private:
  // Runs one call into a stage: an ItemError skips the item, anything else fails the run.
  template <class Call>
  void guarded(size_t index, Call call) {
    try {
      call(*emitters_[position_of(index)]);
    } catch (const ItemError& error) {
      warn(nodes_[index].node->name + ": " + error.what());
    } catch (const StageFailure&) {
      throw;
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& error) {
      throw StageFailure{nodes_[index].node->name, error.what()};
    }
  }

  void check_cancel() const {
    if (options_.cancel && options_.cancel->load()) throw Cancelled{};
  }

  void warn(const std::string& message) {
    warnings.push_back(message);
    if (options_.on_warning) options_.on_warning(message);
  }

  size_t index_of(const std::string& name) const {
    for (size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].node->name == name) return i;
    throw GraphError("unknown node '" + name + "' (run 'pipectl check')");
  }

  size_t position_of(size_t index) const {
    for (size_t i = 0; i < order_.size(); ++i)
      if (order_[i] == index) return i;
    return 0;
  }

  std::vector<size_t> topological_order() const {
    std::vector<int> incoming(nodes_.size(), 0);
    for (const auto& node : nodes_)
      for (size_t to : node.successors) ++incoming[to];
    std::vector<size_t> order;
    // Kahn's algorithm, taking nodes in file order among those ready, so runs are repeatable.
    std::vector<bool> placed(nodes_.size(), false);
    while (order.size() < nodes_.size()) {
      bool progressed = false;
      for (size_t i = 0; i < nodes_.size(); ++i) {
        if (placed[i] || incoming[i] != 0) continue;
        placed[i] = true;
        order.push_back(i);
        for (size_t to : nodes_[i].successors) --incoming[to];
        progressed = true;
        break;
      }
      if (!progressed) throw GraphError("the graph has a cycle (run 'pipectl check')");
    }
    return order;
  }

  const RunOptions& options_;
  std::vector<RunNode> nodes_;
  std::vector<size_t> order_;
  std::vector<std::unique_ptr<NodeEmitter>> emitters_;  // by position in order_
};

void NodeEmitter::emit(Item item) { run_.deliver(index_, item); }

}  // namespace

RunResult run_graph(const Graph& graph, const Registry& registry, const RunOptions& options) {
  RunResult result;
  std::unique_ptr<Run> run;
  try {
    run = std::make_unique<Run>(graph, registry, options);
    run->execute();
    result.ok = true;
  } catch (const StageFailure& failure) {
    result.failed_node = failure.node;
    result.error = failure.message;
  } catch (const Cancelled&) {
    result.cancelled = true;
    result.error = "interrupted";
  } catch (const std::exception& error) {
    result.error = error.what();
  }
  if (run) {
    if (!result.ok) run->abort_all();
    result.warnings = std::move(run->warnings);
  }
  return result;
}

}  // namespace pipectl
