#include "builtin.hpp"

namespace pipectl {

void register_builtin_stages(Registry& registry) {
  register_fetch_stage(registry);
  register_download_media_stage(registry);
  register_render_stage(registry);
  register_encode_stage(registry);
}

}  // namespace pipectl
