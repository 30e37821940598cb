// How stages report a problem they worked around: with a kind, so that summaries and events
// count warnings by it ("2 posts with bad entities, 1 picture not loaded"), and a message that
// names the item. Kinds are singular phrases led by a noun ("post with bad entities",
// "picture not loaded"); a warning given without one is of kind "warning".
#pragma once

#include <concepts>
#include <functional>
#include <string>
#include <utility>

namespace pipectl {

class Warn {
 public:
  static constexpr const char* default_kind = "warning";

  Warn() = default;
  // From a callable taking (kind, message), or one taking only the message.
  template <class F>
    requires std::invocable<const F&, const std::string&, const std::string&>
  Warn(F report) : report_(std::move(report)) {}  // NOLINT(google-explicit-constructor): as std::function
  template <class F>
    requires(std::invocable<const F&, const std::string&> &&
             !std::invocable<const F&, const std::string&, const std::string&>)
  Warn(F report)  // NOLINT(google-explicit-constructor): as std::function
      : report_([report = std::move(report)](const std::string&, const std::string& message) { report(message); }) {}

  void operator()(const std::string& kind, const std::string& message) const {
    if (report_) report_(kind, message);
  }
  void operator()(const std::string& message) const { (*this)(default_kind, message); }
  explicit operator bool() const { return static_cast<bool>(report_); }

 private:
  std::function<void(const std::string& kind, const std::string& message)> report_;
};

}  // namespace pipectl
