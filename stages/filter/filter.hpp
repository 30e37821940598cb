// The filter stage's interface: its declaration. Everything else in this folder is the stage's own.
#pragma once

#include "pipectl/stage.hpp"

namespace pipectl {

// posts in, the posts asked for (by kind, language, words) out, numbered as the day's posts.
StageInfo filter_stage();

}  // namespace pipectl
