// Decoding still images (JPEG, PNG, WebP, and whatever else FFmpeg reads) into RGBA,
// bounded in size before and after decoding.
#pragma once

#include <string>
#include <string_view>

#include "items/media.hpp"

namespace pipectl::media {

struct DecodeLimits {
  long long max_pixels = 50'000'000;  // refused from the header, before decoding (decompression bombs)
  int max_side = 2048;                // larger images are scaled down, aspect ratio kept
};

// Throws std::runtime_error saying what is wrong with the file (missing, not an image, corrupt,
// too large). The result's sides are at most limits.max_side.
items::Image decode_image_file(const std::string& path, const DecodeLimits& limits = {});

// The same for a file's bytes held in memory (a download, whether or not the cache kept it).
// Only the still-image parsers that read from a stream are used (png_pipe, jpeg_pipe, ...).
items::Image decode_image_bytes(std::string_view bytes, const DecodeLimits& limits = {});

}  // namespace pipectl::media
