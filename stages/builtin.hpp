// The stages that ship with pipectl: each stage folder's interface declares the function that
// returns its declaration, and register_builtin_stages names them all, as a plugin's
// PIPECTL_PLUGIN line names its own.
#pragma once

#include "pipectl/registry.hpp"

namespace pipectl {

void register_builtin_stages(Registry& registry);

}  // namespace pipectl
