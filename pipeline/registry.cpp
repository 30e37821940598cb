#include "pipectl/registry.hpp"

#include <stdexcept>

namespace pipectl {

void Registry::add(StageInfo info) {
  if (info.name.empty()) throw std::invalid_argument("a stage needs a name");
  if (!info.create) throw std::invalid_argument("stage '" + info.name + "' has no create function");
  std::string name = info.name;
  if (!stages_.emplace(name, std::move(info)).second)
    throw std::invalid_argument("stage '" + name + "' is registered twice");
}

const StageInfo* Registry::find(const std::string& name) const {
  auto it = stages_.find(name);
  return it == stages_.end() ? nullptr : &it->second;
}

std::vector<const StageInfo*> Registry::all() const {
  std::vector<const StageInfo*> result;
  for (const auto& [name, info] : stages_) result.push_back(&info);
  return result;
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> result;
  for (const auto& [name, info] : stages_) result.push_back(name);
  return result;
}

}  // namespace pipectl
