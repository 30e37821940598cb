// Checks on video files with the real tools (ffprobe, ffmpeg), not with the project's own code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pipectl::test {

struct VideoProbe {
  std::string codec;    // ffprobe codec_name, e.g. "h264"
  std::string pix_fmt;  // e.g. "yuv420p"
  std::string profile;  // e.g. "High"
  int width = 0;
  int height = 0;
  long frames = 0;          // decoded frames (ffprobe -count_frames: nb_read_frames)
  double duration = 0;      // seconds: the stream's, else the container's
  double fps = 0;           // avg_frame_rate
  double start_time = 0;    // the stream's start_time: 0 when the first picture shows at 0
  std::string color_space;  // e.g. "bt709"
  std::string color_range;  // "tv" for limited range
  bool moov_before_mdat = false;  // the MP4 index comes first (+faststart)
};

// The first video stream of `file`, via `ffprobe -v error -count_frames -show_streams
// -show_format -of json`. Throws std::runtime_error when ffprobe fails or finds no video.
VideoProbe probe_video(const std::filesystem::path& file);

// Reads the top-level boxes of an MP4 file: true when 'moov' comes before 'mdat'. Throws
// std::runtime_error when the file cannot be read or has neither box.
bool moov_before_mdat(const std::filesystem::path& file);

// The luma plane (width*height bytes, rows packed) of the picture shown at `seconds`, decoded
// by ffmpeg with an exact (decode-and-discard) seek. Throws std::runtime_error when ffmpeg
// fails or returns fewer bytes.
std::vector<std::uint8_t> decode_luma_at(const std::filesystem::path& file, double seconds,
                                         int width, int height);

// The I420 planes (Y, then U, then V; rows packed) that ffmpeg's swscale makes of an RGB(A)
// picture file of width x height: BT.709 limited range, chroma the average of each 2x2 block.
std::vector<std::uint8_t> i420_of_picture(const std::filesystem::path& picture, int width, int height);

// PSNR in dB of `b` against `a` (8-bit samples); +infinity when they are equal. Throws
// std::invalid_argument for different or zero lengths.
double psnr(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b);

// What `ffmpeg -v error -i file -f null -` prints while decoding the whole file: empty when the
// file decodes cleanly.
std::string decode_errors(const std::filesystem::path& file);

}  // namespace pipectl::test
