#include "problems.hpp"

namespace pipectl::fetch {

namespace {
std::string consequence(const std::string& kind) {
  if (kind == problem::invalid_text) return ", replaced by U+FFFD";
  if (kind == problem::no_author) return "";
  return " (dropped; the post is kept)";
}
}  // namespace

void PostProblems::merge(const PostProblems& other, const std::string& prefix) {
  for (const auto& [kind, reasons] : other.reasons_)
    for (const auto& reason : reasons) reasons_[kind].push_back(prefix + reason);
}

void PostProblems::report(const std::string& where, std::vector<Problem>& out) const {
  for (const auto& [kind, reasons] : reasons_) {
    std::string message = where + ": ";
    for (size_t i = 0; i < reasons.size() && i < 3; ++i) message.append(i ? "; " : "").append(reasons[i]);
    if (reasons.size() > 3) message += "; and " + std::to_string(reasons.size() - 3) + " more";
    out.push_back({kind, message + consequence(kind)});
  }
}

}  // namespace pipectl::fetch
