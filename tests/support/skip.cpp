#include "skip.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

namespace pipectl::test {

namespace {
std::vector<std::string>& reasons() {
  static std::vector<std::string> recorded;
  return recorded;
}
}  // namespace

void skip(const std::string& reason) {
  WARN("SKIPPED: " << reason);
  auto& recorded = reasons();
  if (std::find(recorded.begin(), recorded.end(), reason) == recorded.end()) recorded.push_back(reason);
}

std::vector<std::string> take_skip_reasons() {
  std::vector<std::string> taken;
  taken.swap(reasons());
  return taken;
}

}  // namespace pipectl::test
