// The encode stage's interface: its declaration, and what a program may ask of the videos it
// writes. Everything else in this folder is the stage's own.
#pragma once

#include <filesystem>
#include <optional>

#include "pipectl/stage.hpp"

namespace pipectl {

// frames in, an H.264 MP4 (and WebVTT subtitles) out.
StageInfo encode_stage();

namespace encode {
// The length of the video in an MP4 (or any file libavformat reads), in seconds; nothing when
// the file cannot be read.
std::optional<double> video_length_seconds(const std::filesystem::path& file);
}  // namespace encode

}  // namespace pipectl
