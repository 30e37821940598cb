// PNG files of 8-bit RGBA pixels (libpng's simplified API): the golden images of the card
// tests, the contact sheet. Not used by the pipeline itself (download-media decodes pictures
// with FFmpeg).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "canvas.hpp"
#include "items/media.hpp"

namespace pipectl::render {

// Writes `rgba` (straight alpha, stride 4 * width) as an 8-bit RGBA PNG. The bytes depend only
// on the pixels (no time stamp, fixed zlib settings), so the same picture gives the same file.
// The file is written under a temporary name beside `path` and renamed onto it, so a reader
// never sees half a file. Throws std::runtime_error naming the file.
void write_png(const std::filesystem::path& path, int width, int height,
               const std::vector<std::uint8_t>& rgba);
inline void write_png(const std::filesystem::path& path, const Canvas& canvas) {
  write_png(path, canvas.width(), canvas.height(), canvas.rgba());
}
inline void write_png(const std::filesystem::path& path, const items::Image& image) {
  write_png(path, image.width, image.height, image.rgba);
}

// Reads any PNG (grey, palette, 16-bit, with or without alpha) as 8-bit straight RGBA. Throws
// std::runtime_error naming the file when it cannot be read or is not a PNG.
items::Image read_png(const std::filesystem::path& path);

}  // namespace pipectl::render
