// An item is one value flowing along an edge of the graph: a post, a frame, a packet.
// The framework knows items only by their declared type name; the concrete C++ types
// live in stages/items/ and are shared read-only (an item may fan out to several nodes).
#pragma once

#include <concepts>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pipectl {

// A C++ type can travel between stages when it names its item type:
//   struct Post { static constexpr std::string_view item_type = "post"; ... };
template <class T>
concept ItemType = requires {
  { T::item_type } -> std::convertible_to<std::string_view>;
};

class Item {
 public:
  template <ItemType T>
  static Item make(T value) {
    Item item;
    item.type_ = T::item_type;
    item.value_ = std::make_shared<const T>(std::move(value));
    return item;
  }

  std::string_view type() const { return type_; }

  template <ItemType T>
  bool is() const {
    return type_ == T::item_type;
  }

  // The value, or std::logic_error when the item is of another type: a graph that passed
  // the checker never connects incompatible ports, so this is a programming error.
  template <ItemType T>
  const T& as() const {
    if (!is<T>())
      throw std::logic_error("item of type '" + std::string(type_) + "' used as '" +
                             std::string(T::item_type) + "'");
    return *static_cast<const T*>(value_.get());
  }

 private:
  // The executor's bookkeeping: an item (and every copy a stage keeps) holds the admission
  // ticket of the source item it derives from, so items parked in a stage count against the
  // run's bound on items in flight.
  friend class ItemTracker;
  std::string_view type_;
  std::shared_ptr<const void> value_;
  std::shared_ptr<const void> ticket_;
};

}  // namespace pipectl
