// The render stage's interface: its declaration. Everything else in this folder is the stage's own.
#pragma once

#include "pipectl/stage.hpp"

namespace pipectl {

// posts with their pictures in, I420 card frames out.
StageInfo render_stage();

}  // namespace pipectl
