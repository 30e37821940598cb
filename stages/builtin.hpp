// The stages that ship with pipectl. Each registers through the same public API as a plugin.
#pragma once

#include "pipectl/registry.hpp"

namespace pipectl {

void register_fetch_stage(Registry& registry);           // stages/fetch
void register_download_media_stage(Registry& registry);  // stages/download-media
void register_render_stage(Registry& registry);          // stages/render
void register_encode_stage(Registry& registry);          // stages/encode

// All of the above.
void register_builtin_stages(Registry& registry);

}  // namespace pipectl
