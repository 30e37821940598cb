// The pixel size of a picture read from its header alone, so that a decompression bomb (a
// small file that decodes to gigabytes) is refused before any decoder allocates for it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pipectl::media {

struct PixelSize {
  long long width = 0;
  long long height = 0;
};

// PNG (IHDR), JPEG (the SOFn segment) and WebP (VP8, VP8L, VP8X). nullopt when the file is
// none of these or its header is cut short; other formats are bounded by the decoder instead.
std::optional<PixelSize> read_pixel_size(const std::string& path);
// The same for a file's bytes held in memory.
std::optional<PixelSize> read_pixel_size_of_bytes(std::string_view bytes);

}  // namespace pipectl::media
