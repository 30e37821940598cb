// Typed ports: a stage's inputs and outputs are declared with their C++ item types, so reading
// an item as the wrong type, or sending one down the wrong port, does not compile.
//
//   inline constexpr pipectl::Input<items::Frame> frames{"in"};
//   inline constexpr pipectl::Output<items::Frame> marked{"out"};
//   class Watermark : public pipectl::StageFor<items::Frame> {
//     void receive(const items::Frame& frame, pipectl::Emitter& out) override {
//       marked.emit(out, draw_mark(frame));
//     }
//   };
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "pipectl/item.hpp"

namespace pipectl {

// Where a stage sends its output items.
class Emitter {
 public:
  virtual ~Emitter() = default;
  // To every edge that leaves the stage's only output port.
  virtual void emit(Item item) = 0;
  // To the edges that leave output port `port`, for stages with several outputs. An emitter
  // that does not route (a test harness collecting items) may treat every port alike.
  virtual void emit_to(const std::string& /*port*/, Item item) { emit(std::move(item)); }
};

// An input port taking items of type T. The port's item type name is T::item_type.
template <ItemType T>
struct Input {
  using type = T;
  std::string_view name = "in";
};

// An output port giving items of type T: the only way a typed stage sends items.
template <ItemType T>
struct Output {
  using type = T;
  std::string_view name = "out";

  void emit(Emitter& out, T value) const { out.emit_to(std::string(name), Item::make(std::move(value))); }
  // Passes on an item unchanged (no copy of its value), checked to be of this port's type.
  void forward(Emitter& out, const Item& item) const {
    if (!item.is<T>()) throw std::logic_error("forwarded an item of another type to port '" + std::string(name) + "'");
    out.emit_to(std::string(name), item);
  }
};

template <ItemType... In>
class StageFor;

// An input item a stage keeps beyond the call that received it (encode holds frames that came
// early): it shares the item's value without a copy, and it counts against the run's bound on
// items in flight until it is let go.
template <ItemType T>
class Kept {
 public:
  const T& operator*() const { return item_.as<T>(); }
  const T* operator->() const { return &item_.as<T>(); }
  // Passes the item on unchanged through a port of its type.
  void forward(const Output<T>& port, Emitter& out) const { port.forward(out, item_); }

 private:
  template <ItemType... In>
  friend class StageFor;
  explicit Kept(Item item) : item_(std::move(item)) {}
  Item item_;
};

// One typed input of a StageFor: the stage overrides receive() for each of its input types,
// taking the value (most stages) or a Kept handle (stages that hold items).
template <ItemType T>
class Receives {
 public:
  virtual ~Receives() = default;
  // One input item. ItemError skips the item; any other exception fails the stage.
  virtual void receive(const T& /*item*/, Emitter& /*out*/) {
    throw std::logic_error("a stage taking " + std::string(T::item_type) + " items overrides no receive()");
  }
  virtual void receive(Kept<T> item, Emitter& out) { receive(*item, out); }
};

}  // namespace pipectl
