// Pictures as download-media reads them: the header reader (PNG, JPEG, WebP sizes, read before
// any decoder runs) and the decoder's entry (FFmpeg behind it, then the size bounds and the
// scaling). The input is the file. The limits are smaller than the stage's so that a run stays
// fast; the code paths are the same.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

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

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const pipectl::fuzz::ScratchFolder scratch("image");
  const auto file = scratch.write("picture", pipectl::fuzz::as_text(data, size));
  (void)pipectl::media::read_pixel_size(file.string());
  try {
    pipectl::media::DecodeLimits limits;
    limits.max_pixels = 4'000'000;
    limits.max_side = 256;
    auto image = pipectl::media::decode_image_file(file.string(), limits);
    // What the renderer relies on.
    if (image.width > limits.max_side || image.height > limits.max_side ||
        image.rgba.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 4)
      __builtin_trap();
  } catch (const std::runtime_error&) {
    // Not an image, corrupt, too large: the stage reports it for that post.
  }
  return 0;
}
