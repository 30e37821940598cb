#include "builtin.hpp"

#include "download-media/download_media.hpp"
#include "encode/encode.hpp"
#include "fetch/fetch.hpp"
#include "filter/filter.hpp"
#include "pipectl/plugin.hpp"
#include "render/render.hpp"

namespace pipectl {

void register_builtin_stages(Registry& registry) {
  add_stages(registry, {fetch_stage, filter_stage, download_media_stage, render_stage, encode_stage});
}

}  // namespace pipectl
