// Loading plugins (shared libraries that export pipectl_plugin_v1, see plugin.hpp) into a
// registry. Used by the pipectl command; plugins themselves never include this header.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "pipectl/registry.hpp"

namespace pipectl {

// A plugin that cannot be loaded. The message starts with the file: "FILE: why, what to do".
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadedPlugin {
  std::string path;
  std::string name;
  std::string version;
  std::vector<std::string> stages;  // the stage names it registered, sorted
};

// Opens the shared library at `path` (dlopen, RTLD_NOW | RTLD_LOCAL), checks its ABI version and
// compiler, and adds its stages to `registry`. All or nothing: when any stage name is already
// registered, none of the plugin's stages is added. Throws PluginError naming the file when it
// is missing, not a shared library, has no entry point, was built for another ABI version or
// by another compiler, registers a stage name that exists, or throws while registering.
// The library stays loaded until the process ends: the stages' code lives in it.
LoadedPlugin load_plugin(const std::string& path, Registry& registry);

// The plugin files PIPECTL_PLUGIN_PATH names: a colon-separated list of files and folders; a
// folder stands for every "*.so" file in it, in sorted order. Empty entries are ignored. Throws
// PluginError when an entry does not exist.
std::vector<std::string> plugin_files_from_env();

// Loads every plugin of plugin_files_from_env(), in order; throws the first PluginError.
std::vector<LoadedPlugin> load_plugins_from_env(Registry& registry);

}  // namespace pipectl
