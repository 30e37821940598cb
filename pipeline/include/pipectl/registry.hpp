// The stage registry: every stage a graph may name, built-in or from a plugin.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipectl/stage.hpp"

namespace pipectl {

class Registry {
 public:
  // Throws std::invalid_argument when a stage of that name is already registered.
  void add(StageInfo info);
  const StageInfo* find(const std::string& name) const;
  std::vector<const StageInfo*> all() const;  // sorted by name
  std::vector<std::string> names() const;

 private:
  std::map<std::string, StageInfo> stages_;
};

}  // namespace pipectl
