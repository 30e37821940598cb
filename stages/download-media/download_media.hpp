// The download-media stage's interface: its declaration. Everything else in this folder is the
// stage's own.
#pragma once

#include "pipectl/stage.hpp"

namespace pipectl {

// posts in, posts with their pictures decoded out.
StageInfo download_media_stage();

}  // namespace pipectl
