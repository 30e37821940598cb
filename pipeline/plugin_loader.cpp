#include "pipectl/plugin_loader.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <sstream>

#include "pipectl/plugin.hpp"

namespace pipectl {

namespace {

namespace fs = std::filesystem;

// Handles are never closed: a registered StageInfo's create function, and every Stage it makes,
// run code that lives in the library. Keeping them here only documents that they are owned.
std::mutex handles_mutex;
std::vector<void*> open_handles;

std::string dl_error() {
  const char* text = dlerror();
  return text ? text : "unknown dlopen error";
}

}  // namespace

LoadedPlugin load_plugin(const std::string& path, Registry& registry) {
  std::error_code error;
  auto status = fs::status(path, error);
  if (!fs::exists(status))
    throw PluginError(path + ": no such plugin file (give the path to a .so built against pipectl's headers)");
  if (fs::is_directory(status))
    throw PluginError(path + ": is a folder, not a plugin file (name the .so inside it)");

  // dlopen searches the library path for a name without a slash; a plugin is always a file.
  std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  dlerror();
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) throw PluginError(path + ": cannot load as a plugin: " + dl_error());
  {
    std::lock_guard lock(handles_mutex);
    open_handles.push_back(handle);
  }

  dlerror();
  void* symbol = dlsym(handle, PIPECTL_PLUGIN_ENTRY_POINT);
  if (!symbol)
    throw PluginError(path + ": not a pipectl plugin: it exports no " PIPECTL_PLUGIN_ENTRY_POINT
                             "() (define it with PIPECTL_PLUGIN(name, version, register_function))");
  using EntryPoint = const PluginInfo* (*)();
  const PluginInfo* info = reinterpret_cast<EntryPoint>(symbol)();
  if (!info) throw PluginError(path + ": " PIPECTL_PLUGIN_ENTRY_POINT "() returned no plugin information");
  // abi_version is the first field in every version of PluginInfo: read it before anything else.
  if (info->abi_version != PIPECTL_PLUGIN_ABI_VERSION) {
    throw PluginError(path + ": plugin ABI version " + std::to_string(info->abi_version) +
                      ", but this pipectl has ABI version " + std::to_string(PIPECTL_PLUGIN_ABI_VERSION) +
                      ": rebuild the plugin against this pipectl's headers");
  }
  std::string name = info->name ? info->name : "";
  std::string label = "plugin '" + name + "'";
  if (!info->compiler || std::strcmp(info->compiler, PIPECTL_PLUGIN_COMPILER) != 0) {
    throw PluginError(path + ": " + label + " was built by " + (info->compiler ? info->compiler : "an unknown compiler") +
                      ", but this pipectl by " PIPECTL_PLUGIN_COMPILER
                      ": rebuild the plugin with the same compiler and standard library");
  }
  if (!info->register_stages) throw PluginError(path + ": " + label + " has no register function");

  // Register into a scratch registry first, so a plugin that clashes adds nothing.
  Registry own;
  try {
    info->register_stages(own);
  } catch (const std::exception& failure) {
    throw PluginError(path + ": " + label + " failed to register its stages: " + failure.what());
  } catch (...) {
    throw PluginError(path + ": " + label + " failed to register its stages");
  }
  LoadedPlugin loaded{path, name, info->version ? info->version : "", own.names()};
  for (const auto& stage : loaded.stages) {
    if (registry.find(stage)) {
      throw PluginError(path + ": " + label + " registers stage '" + stage +
                        "', but a stage of that name already exists (built in or from an earlier plugin); "
                        "rename the plugin's stage or load only one of the two");
    }
  }
  for (const StageInfo* stage : own.all()) {
    StageInfo added = *stage;
    added.origin = path;  // for `pipectl stages`; whatever the plugin itself set is overwritten
    registry.add(std::move(added));
  }
  return loaded;
}

std::vector<std::string> plugin_files_from_env() {
  std::vector<std::string> files;
  const char* value = std::getenv("PIPECTL_PLUGIN_PATH");
  if (!value) return files;
  std::stringstream in(value);
  std::string entry;
  while (std::getline(in, entry, ':')) {
    if (entry.empty()) continue;
    std::error_code error;
    if (fs::is_directory(entry, error)) {
      std::vector<std::string> found;
      for (const auto& item : fs::directory_iterator(entry, error))
        if (item.path().extension() == ".so" && !item.is_directory()) found.push_back(item.path().string());
      if (error) throw PluginError(entry + ": cannot read this PIPECTL_PLUGIN_PATH folder: " + error.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(entry, error)) {
      files.push_back(entry);
    } else {
      throw PluginError(entry + ": no such file or folder (named in PIPECTL_PLUGIN_PATH)");
    }
  }
  return files;
}

std::vector<LoadedPlugin> load_plugins_from_env(Registry& registry) {
  std::vector<LoadedPlugin> loaded;
  for (const auto& file : plugin_files_from_env()) loaded.push_back(load_plugin(file, registry));
  return loaded;
}

}  // namespace pipectl
