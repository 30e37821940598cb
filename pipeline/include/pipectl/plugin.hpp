// The plugin API: what a shared library exports so that `pipectl --plugin FILE` (or
// PIPECTL_PLUGIN_PATH) can add its stages to the registry. A plugin includes only the public
// headers (pipeline/include/pipectl/) and the item types (stages/items/). Each stage is a
// function returning its declaration (pipectl/stage_declaration.hpp), and the plugin names them
// in one line, as stages/builtin.cpp names the built-in ones:
//
//   pipectl::StageInfo watermark_stage() { return pipectl::declare_stage<Settings>(...)...; }
//   PIPECTL_PLUGIN("watermark", "1.0.0", watermark_stage)
//
// Stages exchange C++ objects (std::string, std::function, the item structs) across the
// library boundary, so a plugin must be built from the same headers by the same compiler and
// standard library as pipectl. The loader checks both before it calls anything else.
#pragma once

#include <initializer_list>

#include "pipectl/registry.hpp"
#include "pipectl/stage_declaration.hpp"

// Bumped whenever a public header or an item type changes layout or meaning (a field added,
// removed or reordered, a virtual function added, a type changed). A plugin built against
// another version is refused: it would read the wrong bytes.
#define PIPECTL_PLUGIN_ABI_VERSION 8  // 2: Emitter::emit_to (output ports); 3: RunContext::threads,
                                      // notify_wait, expect_items; 4: RunContext::cancelled, MediaPost::avatar;
                                      // 5: Frame::caption; 6: ParamSpec::choices; 7: RunContext::warn
                                      // with kinds (pipectl::Warn), Post::repost; 8: stage declarations
                                      // (StageInfo::variables/check/writes/prepare_process, RunContext::variables
                                      // instead of handle/date/tz, ParamSpec::unit, typed ports, StageInfo::origin)

#define PIPECTL_PLUGIN_STRINGIFY_(x) #x
#define PIPECTL_PLUGIN_STRINGIFY(x) PIPECTL_PLUGIN_STRINGIFY_(x)

// The compiler and C++ library ABI a translation unit is built with. Plugins and pipectl must
// agree on it exactly: std::string and std::function differ between compilers and between
// libstdc++'s old and new string ABI.
#if defined(__clang__)
#define PIPECTL_PLUGIN_COMPILER_NAME_ "clang " __clang_version__
#elif defined(__GNUC__)
#define PIPECTL_PLUGIN_COMPILER_NAME_ "gcc " __VERSION__
#else
#define PIPECTL_PLUGIN_COMPILER_NAME_ "unknown compiler"
#endif
#if defined(_GLIBCXX_USE_CXX11_ABI)
#define PIPECTL_PLUGIN_STDLIB_ABI_ \
  ", libstdc++ cxx11-abi=" PIPECTL_PLUGIN_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_ABI_VERSION)
#define PIPECTL_PLUGIN_STDLIB_ABI_ ", libc++ abi=" PIPECTL_PLUGIN_STRINGIFY(_LIBCPP_ABI_VERSION)
#else
#define PIPECTL_PLUGIN_STDLIB_ABI_ ""
#endif
#if defined(__GXX_ABI_VERSION)
#define PIPECTL_PLUGIN_CXXABI_ ", c++abi=" PIPECTL_PLUGIN_STRINGIFY(__GXX_ABI_VERSION)
#else
#define PIPECTL_PLUGIN_CXXABI_ ""
#endif
#define PIPECTL_PLUGIN_COMPILER \
  PIPECTL_PLUGIN_COMPILER_NAME_ PIPECTL_PLUGIN_STDLIB_ABI_ PIPECTL_PLUGIN_CXXABI_

namespace pipectl {

// What a plugin's entry point returns. A plain struct with C types only, so that the loader can
// read abi_version (always the first field) from a plugin of any version before trusting the rest.
struct PluginInfo {
  int abi_version;       // PIPECTL_PLUGIN_ABI_VERSION of the headers the plugin was built with
  const char* name;      // for messages and `pipectl stages`, e.g. "watermark"
  const char* version;   // the plugin's own version, e.g. "1.0.0"
  const char* compiler;  // PIPECTL_PLUGIN_COMPILER as the plugin was built
  void (*register_stages)(Registry& registry);  // calls registry.add once per stage
};

}  // namespace pipectl

// The entry point's name; the suffix changes only if PluginInfo itself ever has to change.
#define PIPECTL_PLUGIN_ENTRY_POINT "pipectl_plugin_v1"

namespace pipectl {
// Adds the stage each function declares.
inline void add_stages(Registry& registry, std::initializer_list<StageInfo (*)()> stages) {
  for (auto stage : stages) registry.add(stage());
}
}  // namespace pipectl

// Defines the entry point of a plugin in one line, at file scope of one source file, naming the
// functions that declare its stages:
//   PIPECTL_PLUGIN("watermark", "1.0.0", watermark_stage)
// Exported with default visibility, so plugins may (and should) build with hidden visibility.
#define PIPECTL_PLUGIN(plugin_name, plugin_version, ...)                                      \
  static void pipectl_plugin_register_stages_(::pipectl::Registry& registry) {                \
    ::pipectl::add_stages(registry, {__VA_ARGS__});                                           \
  }                                                                                           \
  extern "C" __attribute__((visibility("default"))) const ::pipectl::PluginInfo*             \
  pipectl_plugin_v1() {                                                                       \
    static const ::pipectl::PluginInfo info{PIPECTL_PLUGIN_ABI_VERSION, plugin_name,          \
                                            plugin_version, PIPECTL_PLUGIN_COMPILER,          \
                                            pipectl_plugin_register_stages_};                 \
    return &info;                                                                             \
  }
