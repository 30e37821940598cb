// The executor: Boost.Asio thread pool, a strand per serial stage, tickets for bounded memory.
// See executor.hpp for the model.
#include "pipectl/executor.hpp"
#include "pipectl/node_values.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace pipectl {

std::map<std::string, std::string> run_variables(const Graph& graph, const RunOptions& options) {
  std::map<std::string, std::string> run = options.context.variables;
  if (!options.context.out_dir.empty() && !run.count("out")) run["out"] = options.context.out_dir;
  for (const auto& [name, value] : options.variables) run[name] = value;
  return merge_variables(graph, run);
}

Params resolve_params(const Graph& graph, const Node& node, const StageInfo& info,
                      const std::map<std::string, std::string>& variables) {
  NodeValues values = node_values(graph, node, info, variables);
  if (!values.problems.empty())
    throw GraphError(format_graph_error(graph, values.problems.front().location, values.problems.front().message));
  return Params(std::move(values.values));
}

// The executor's access to an item's ticket (see Item).
class ItemTracker {
 public:
  static const std::shared_ptr<const void>& ticket(const Item& item) { return item.ticket_; }
  static void attach(Item& item, std::shared_ptr<const void> ticket) {
    if (!item.ticket_) item.ticket_ = std::move(ticket);
  }
};

namespace {

// The first failure of a stage: it stops the whole run.
struct StageFailure {
  std::string node;
  std::string message;
};

// RunOptions::cancel was set: unwinds a source's start().
struct Cancelled {};

class Run;

// One item emitted by a source, alive while anything derived from it is still to be processed.
class Ticket {
 public:
  explicit Ticket(Run& run) : run_(run) {}
  ~Ticket();
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;

 private:
  Run& run_;
};

// The ticket of the item whose task runs on this thread: items it emits inherit it.
thread_local std::shared_ptr<const void> current_ticket;

struct RunNode {
  const Node* node = nullptr;
  const StageInfo* info = nullptr;
  std::unique_ptr<Stage> stage;
  std::vector<size_t> successors;  // every node an edge leads to, once per edge
  std::vector<std::string> successor_ports;  // the output port each of those edges leaves from
  RunContext context;
  std::unique_ptr<Emitter> emitter;
  std::optional<boost::asio::strand<boost::asio::thread_pool::executor_type>> strand;  // serial stages
  // Guarded by Run::state_mutex_:
  int pending = 0;        // process() calls posted and not yet done
  int open_inputs = 0;    // predecessors that have not finished
  bool finishing = false;
  // Guarded by Run::ticket_mutex_: items it emitted from finish() still waiting for a ticket,
  // and whether its finish is to be reported when the last of them has gone on.
  int parked = 0;
  bool finish_deferred = false;
  // For RunOptions::on_progress:
  size_t position = 0;
  struct Counts {
    std::atomic<std::uint64_t> received{0};
    std::atomic<std::uint64_t> emitted{0};
    std::atomic<std::int64_t> expected{-1};  // -1: not announced
  };
  std::unique_ptr<Counts> counts = std::make_unique<Counts>();  // atomics do not move
};

// Sends a node's output to every node its output feeds.
class NodeEmitter : public Emitter {
 public:
  NodeEmitter(Run& run, size_t index) : run_(run), index_(index) {}
  void emit(Item item) override;
  void emit_to(const std::string& port, Item item) override;

 private:
  Run& run_;
  size_t index_;
};

class Run {
 public:
  Run(const Graph& graph, const Registry& registry, const RunOptions& options)
      : options_(options),
        threads_(options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency())),
        max_in_flight_(options.max_in_flight > 0 ? options.max_in_flight : 2 * threads_),
        pool_(static_cast<size_t>(threads_)) {
    auto variables = run_variables(graph, options);
    for (const auto& node : graph.nodes) {
      RunNode run_node;
      run_node.node = &node;
      run_node.info = registry.find(node.stage);
      if (!run_node.info) throw GraphError("unknown stage '" + node.stage + "' (run 'pipectl check')");
      nodes_.push_back(std::move(run_node));
    }
    for (const auto& edge : graph.edges) {
      RunNode& from = nodes_[index_of(edge.from)];
      from.successors.push_back(index_of(edge.to));
      // An edge without a port leaves the only output (the checker made sure there is one).
      std::string port = edge.from_port;
      if (port.empty() && !from.info->outputs.empty()) port = from.info->outputs.front().name;
      from.successor_ports.push_back(port);
      ++nodes_[index_of(edge.to)].open_inputs;
    }
    auto order = topological_order();
    for (size_t position = 0; position < order.size(); ++position) {
      RunNode& run_node = nodes_[order[position]];
      size_t index = order[position];
      run_node.position = position;
      Params params = resolve_params(graph, *run_node.node, *run_node.info, variables);
      run_node.context = options.context;
      run_node.context.variables = variables;
      run_node.context.threads = threads_;
      if (run_node.context.graph_dir.empty()) run_node.context.graph_dir = graph.folder();
      std::string name = run_node.node->name;
      run_node.context.warn = [this, name](const std::string& kind, const std::string& message) {
        warn(kind, name + ": " + message);
      };
      run_node.context.notify_wait = [this, name](const std::string& reason, double seconds) {
        if (options_.on_wait) options_.on_wait(name, reason, seconds);
      };
      run_node.context.cancelled = [this] { return cancelled() || failed(); };
      run_node.context.expect_items = [this, index](std::uint64_t items) {
        nodes_[index].counts->expected = static_cast<std::int64_t>(items);
        report_progress(nodes_[index], false);
      };
      try {
        run_node.stage = run_node.info->create(params, run_node.context);
      } catch (const std::exception& error) {
        throw StageFailure{name, error.what()};
      }
      run_node.emitter = std::make_unique<NodeEmitter>(*this, index);
      if (run_node.info->concurrency == Concurrency::serial) run_node.strand.emplace(pool_.get_executor());
    }
  }

  ~Run() {
    pool_.join();
    // Stages may still hold items, whose tickets call back into this Run: let them go while
    // every member is alive.
    for (auto& node : nodes_) node.stage.reset();
  }

  void execute() {
    if (cancelled()) throw Cancelled{};
    if (options_.on_progress) {
      std::vector<const RunNode*> by_position(nodes_.size());
      for (const auto& node : nodes_) by_position[node.position] = &node;
      for (const RunNode* node : by_position) report_progress(*node, false);
    }
    // Each source runs on a thread of its own: it is the only code that waits (for tickets).
    std::vector<std::thread> sources;
    for (size_t index = 0; index < nodes_.size(); ++index)
      if (nodes_[index].info->inputs.empty()) sources.emplace_back([this, index] { run_source(index); });
    for (auto& source : sources) source.join();
    pool_.join();  // every posted process() and finish(), including those they posted
  }

  bool failed() const { return failed_.load(); }
  const std::optional<StageFailure>& failure() const { return failure_; }
  bool was_cancelled() const { return was_cancelled_; }

  void abort_all() noexcept {
    for (auto& node : nodes_)
      if (node.stage) node.stage->abort();
  }

  // From NodeEmitter: an item leaves node `from` by `port` (empty: its only output).
  void deliver(size_t from, const std::string* port, Item item) {
    if (cancelled()) throw Cancelled{};
    const RunNode& node = nodes_[from];
    if (!port && node.info->outputs.size() != 1)
      throw std::logic_error("stage '" + node.info->name + "' has " + std::to_string(node.info->outputs.size()) +
                             " output ports: it must emit_to() one of them");
    if (port && std::none_of(node.info->outputs.begin(), node.info->outputs.end(),
                             [&](const PortSpec& spec) { return spec.name == *port; }))
      throw std::logic_error("stage '" + node.info->name + "' emitted to output port '" + *port +
                             "', which it does not declare");
    if (node.info->inputs.empty()) {
      ItemTracker::attach(item, take_ticket());
    } else if (current_ticket) {
      ItemTracker::attach(item, current_ticket);
    } else if (!ItemTracker::ticket(item)) {
      // Emitted outside any input item's task (from finish(): a stage that kept what it received,
      // like filter, sends it on at the end). It needs a ticket of its own, as a source's item
      // does, but a pool thread must not wait for one: it waits in line, in order, instead.
      park(from, port, std::move(item));
      return;
    }  // else: an item the stage kept (Kept::forward) goes on with the ticket it has
    send_on(from, port, item);
  }

  void give_back_ticket() {
    {
      std::lock_guard lock(ticket_mutex_);
      --in_flight_;
    }
    ticket_freed_.notify_one();
    admit_parked(false);
  }

  std::vector<std::string> take_warnings() {
    std::lock_guard lock(warning_mutex_);
    return std::move(warnings_);
  }

 private:
  bool cancelled() const { return options_.cancel && options_.cancel->load(); }

  std::shared_ptr<const void> take_ticket() {
    std::unique_lock lock(ticket_mutex_);
    // Wake up now and then to notice cancellation, a failure elsewhere, or a stall.
    while (in_flight_ >= max_in_flight_) {
      if (cancelled() || failed()) throw Cancelled{};
      if (outstanding_.load() == 0) {
        // Nothing runs or waits to run, yet every ticket is taken: stages hold the items.
        lock.unlock();
        release_held();
        lock.lock();
      }
      ticket_freed_.wait_for(lock, std::chrono::milliseconds(20));
    }
    ++in_flight_;
    return std::make_shared<Ticket>(*this);
  }

  // An item leaves node `from`: counted, and posted to the successors on `port`.
  void send_on(size_t from, const std::string* port, const Item& item) {
    const RunNode& node = nodes_[from];
    nodes_[from].counts->emitted++;
    report_progress(node, false);
    for (size_t i = 0; i < node.successors.size(); ++i)
      if (!port || node.successor_ports[i] == *port) post_process(node.successors[i], item);
  }

  void park(size_t from, const std::string* port, Item item) {
    {
      std::lock_guard lock(ticket_mutex_);
      parked_.push_back({from, port ? std::optional<std::string>(*port) : std::nullopt, std::move(item)});
      ++nodes_[from].parked;
    }
    admit_parked(false);
  }

  // Lets the first parked item go on when a ticket is free, or regardless when `stalled` (no
  // task runs: the tickets are held by items that stages keep, which may wait for this one).
  void admit_parked(bool stalled) {
    Parked next;
    {
      std::unique_lock lock(ticket_mutex_);
      if (parked_.empty()) return;
      if (failed() || cancelled()) {
        // The run is ending: what waits is dropped (it holds no ticket), and a cancellation
        // is recorded, so a stopped run never counts as complete.
        for (const auto& parked : parked_) --nodes_[parked.from].parked;
        parked_.clear();
        lock.unlock();
        if (cancelled()) fail(std::nullopt);
        return;
      }
      if (!stalled && in_flight_ >= max_in_flight_) return;
      next = std::move(parked_.front());
      parked_.pop_front();
      ++in_flight_;
      outstanding_++;  // before the lock goes: the run is not idle while this is on its way
    }
    ItemTracker::attach(next.item, std::make_shared<Ticket>(*this));
    const size_t from = next.from;
    auto task = [this, next = std::move(next)]() mutable {
      if (cancelled()) fail(std::nullopt);
      if (!failed()) send_on(next.from, next.port ? &*next.port : nullptr, next.item);
      next.item = Item();  // its ticket goes back once its successors are done with it
      bool finish_now = false;
      {
        std::lock_guard lock(ticket_mutex_);
        finish_now = --nodes_[next.from].parked == 0 && nodes_[next.from].finish_deferred;
        if (finish_now) nodes_[next.from].finish_deferred = false;
      }
      if (finish_now) node_finished(next.from);
      work_done();
    };
    // On the emitting node's strand, if it has one: its items leave in the order it sent them.
    if (nodes_[from].strand) boost::asio::post(*nodes_[from].strand, std::move(task));
    else boost::asio::post(pool_, std::move(task));
  }

  // A task is done; when it was the last and items still wait in line, one goes regardless.
  void work_done() {
    if (--outstanding_ == 0) admit_parked(true);
  }

  // After a node's finish(): true when items it emitted still wait in line, in which case the
  // node counts as finished only once the last of them has gone on.
  bool defer_finished(size_t index) {
    std::lock_guard lock(ticket_mutex_);
    if (nodes_[index].parked == 0) return false;
    nodes_[index].finish_deferred = true;
    return true;
  }

  void release_held() {
    for (size_t index = 0; index < nodes_.size(); ++index) {
      if (nodes_[index].info->inputs.empty()) continue;
      outstanding_++;
      auto task = [this, index] {
        if (!failed()) guarded(index, [&] { nodes_[index].stage->release_held(*nodes_[index].emitter); });
        work_done();
      };
      if (nodes_[index].strand) boost::asio::post(*nodes_[index].strand, std::move(task));
      else boost::asio::post(pool_, std::move(task));
    }
  }

  void run_source(size_t index) {
    RunNode& node = nodes_[index];
    try {
      guarded(index, [&] { node.stage->start(*node.emitter); });
      if (!failed()) guarded(index, [&] { node.stage->finish(*node.emitter); });
    } catch (const Cancelled&) {
      fail(std::nullopt);
    }
    node_finished(index);
  }

  void post_process(size_t to, Item item) {
    {
      std::lock_guard lock(state_mutex_);
      ++nodes_[to].pending;
    }
    outstanding_++;
    auto task = [this, to, item = std::move(item)]() mutable {
      current_ticket = ItemTracker::ticket(item);
      if (!failed() && !cancelled()) {
        try {
          guarded(to, [&] { nodes_[to].stage->process(item, *nodes_[to].emitter); });
        } catch (const Cancelled&) {
          fail(std::nullopt);
        }
        nodes_[to].counts->received++;
        report_progress(nodes_[to], false);
      } else if (cancelled()) {
        fail(std::nullopt);
      }
      item = Item();
      current_ticket.reset();  // the item is done here: release what it holds
      bool ready = false;
      {
        std::lock_guard lock(state_mutex_);
        ready = --nodes_[to].pending == 0 && ready_to_finish(to);
      }
      if (ready) post_finish(to);
      work_done();  // after post_finish: a finish about to be posted is still work
    };
    if (nodes_[to].strand) boost::asio::post(*nodes_[to].strand, std::move(task));
    else boost::asio::post(pool_, std::move(task));
  }

  // Caller holds state_mutex_. Marks the node as finishing when it may finish now.
  bool ready_to_finish(size_t index) {
    RunNode& node = nodes_[index];
    if (node.open_inputs > 0 || node.pending > 0 || node.finishing) return false;
    node.finishing = true;
    return true;
  }

  void post_finish(size_t index) {
    outstanding_++;
    auto task = [this, index] {
      if (!failed()) {
        try {
          guarded(index, [&] { nodes_[index].stage->finish(*nodes_[index].emitter); });
        } catch (const Cancelled&) {
          fail(std::nullopt);
        }
      }
      if (!defer_finished(index)) node_finished(index);
      work_done();
    };
    if (nodes_[index].strand) boost::asio::post(*nodes_[index].strand, std::move(task));
    else boost::asio::post(pool_, std::move(task));
  }

  // Everything `index` will ever emit has been posted: its successors may finish once idle.
  void node_finished(size_t index) {
    if (!failed()) report_progress(nodes_[index], true);
    std::vector<size_t> ready;
    {
      std::lock_guard lock(state_mutex_);
      for (size_t to : nodes_[index].successors) {
        --nodes_[to].open_inputs;
        if (ready_to_finish(to)) ready.push_back(to);
      }
    }
    for (size_t to : ready) post_finish(to);
  }

  // Runs one call into a stage: an ItemError skips the item, anything else fails the run.
  template <class Call>
  void guarded(size_t index, Call call) {
    try {
      call();
    } catch (const ItemError& error) {
      warn(error.kind(), nodes_[index].node->name + ": " + error.what());
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& error) {
      // A stage that gives up because the run is being stopped (a download cut short by Ctrl-C,
      // RunContext::cancelled) reports the cancellation, not a failure of its own.
      if (cancelled()) fail(std::nullopt);
      else fail(StageFailure{nodes_[index].node->name, error.what()});
    }
  }

  // The first failure wins; a cancellation is recorded as such.
  void fail(std::optional<StageFailure> failure) {
    std::lock_guard lock(failure_mutex_);
    if (failed_) return;
    if (failure) failure_ = std::move(failure);
    else was_cancelled_ = true;
    failed_ = true;
    ticket_freed_.notify_all();
  }

  void report_progress(const RunNode& node, bool done) const {
    if (!options_.on_progress) return;
    NodeProgress progress;
    progress.node = node.node->name;
    progress.stage = node.info->name;
    progress.position = node.position;
    progress.received = node.counts->received.load();
    progress.emitted = node.counts->emitted.load();
    if (auto expected = node.counts->expected.load(); expected >= 0)
      progress.expected = static_cast<std::uint64_t>(expected);
    progress.done = done;
    options_.on_progress(progress);
  }

  void warn(const std::string& kind, const std::string& message) {
    std::lock_guard lock(warning_mutex_);
    warnings_.push_back(message);
    options_.on_warning(kind, message);
  }

  size_t index_of(const std::string& name) const {
    for (size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].node->name == name) return i;
    throw GraphError("unknown node '" + name + "' (run 'pipectl check')");
  }

  // Kahn's algorithm, taking nodes in file order among those ready, so stage creation (and the
  // order of errors it reports) is repeatable.
  std::vector<size_t> topological_order() const {
    std::vector<int> incoming(nodes_.size(), 0);
    for (const auto& node : nodes_)
      for (size_t to : node.successors) ++incoming[to];
    std::vector<size_t> order;
    std::vector<bool> placed(nodes_.size(), false);
    while (order.size() < nodes_.size()) {
      bool progressed = false;
      for (size_t i = 0; i < nodes_.size() && !progressed; ++i) {
        if (placed[i] || incoming[i] != 0) continue;
        placed[i] = true;
        order.push_back(i);
        for (size_t to : nodes_[i].successors) --incoming[to];
        progressed = true;
      }
      if (!progressed) throw GraphError("the graph has a cycle (run 'pipectl check')");
    }
    return order;
  }

  const RunOptions& options_;
  int threads_;
  int max_in_flight_;
  // Declared before nodes_: the strands in nodes_ use the pool's services, so the pool must
  // outlive them.
  boost::asio::thread_pool pool_;
  std::vector<RunNode> nodes_;

  std::mutex state_mutex_;

  std::mutex ticket_mutex_;
  std::condition_variable ticket_freed_;
  int in_flight_ = 0;
  // Items emitted from finish() waiting for a ticket, in the order they were emitted.
  struct Parked {
    size_t from = 0;
    std::optional<std::string> port;
    Item item;
  };
  std::deque<Parked> parked_;  // guarded by ticket_mutex_
  std::atomic<int> outstanding_{0};  // tasks posted and not done: 0 with sources waiting is a stall

  std::mutex failure_mutex_;
  std::atomic<bool> failed_{false};
  std::optional<StageFailure> failure_;
  bool was_cancelled_ = false;

  std::mutex warning_mutex_;
  std::vector<std::string> warnings_;
};

Ticket::~Ticket() { run_.give_back_ticket(); }

void NodeEmitter::emit(Item item) { run_.deliver(index_, nullptr, std::move(item)); }
void NodeEmitter::emit_to(const std::string& port, Item item) { run_.deliver(index_, &port, std::move(item)); }

}  // namespace

RunResult run_graph(const Graph& graph, const Registry& registry, const RunOptions& options) {
  RunResult result;
  std::unique_ptr<Run> run;
  try {
    run = std::make_unique<Run>(graph, registry, options);
    run->execute();
    if (run->failed()) {
      if (run->failure()) {
        result.failed_node = run->failure()->node;
        result.error = run->failure()->message;
      } else {
        result.cancelled = true;
        result.error = "interrupted";
      }
    } else {
      result.ok = true;
    }
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
    result.warnings = run->take_warnings();
  }
  return result;
}

}  // namespace pipectl
