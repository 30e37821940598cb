// Pictures as download-media reads them: the header reader (PNG, JPEG, WebP sizes, read before
// any decoder runs) and the decoder's entries (FFmpeg behind them, then the size bounds and the
// scaling), each for a file and for bytes in memory (FFmpeg reading through our callbacks). The
// input is the picture. The limits are smaller than the stage's so that a run stays fast; the
// code paths are the same.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

extern "C" {
#include <libavutil/log.h>
}

#include "fuzz_input.hpp"
#include "image_decoder.hpp"
#include "image_header.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  av_log_set_level(AV_LOG_QUIET);  // as pipectl does: FFmpeg would print for every broken file
  return 0;
}

namespace {

// What the renderer relies on.
void check(const pipectl::items::Image& image, const pipectl::media::DecodeLimits& limits) {
  if (image.width <= 0 || image.height <= 0 || image.width > limits.max_side || image.height > limits.max_side ||
      image.rgba.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 4)
    __builtin_trap();
}

bool same(const std::optional<pipectl::media::PixelSize>& a, const std::optional<pipectl::media::PixelSize>& b) {
  return a.has_value() == b.has_value() && (!a || (a->width == b->width && a->height == b->height));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl::media;
  static const pipectl::fuzz::ScratchFolder scratch("image");
  const std::string_view bytes = pipectl::fuzz::as_text(data, size);
  const auto file = scratch.write("picture", bytes);
  // The file and the bytes in memory (a download the cache did not keep) read the same header.
  if (!same(read_pixel_size(file.string()), read_pixel_size_of_bytes(bytes))) __builtin_trap();
  DecodeLimits limits;
  limits.max_pixels = 4'000'000;
  limits.max_side = 256;
  try {
    check(decode_image_file(file.string(), limits), limits);
  } catch (const std::runtime_error&) {
    // Not an image, corrupt, too large: the stage reports it for that post.
  }
  try {
    check(decode_image_bytes(bytes, limits), limits);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
