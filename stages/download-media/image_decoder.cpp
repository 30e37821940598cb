#include "image_decoder.hpp"

#include "image_header.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cstring>
#include <optional>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace pipectl::media {

namespace {

std::string av_error(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

struct FormatCloser {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
struct CodecFreer {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct FrameFreer {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketFreer {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct ScalerFreer {
  void operator()(SwsContext* context) const { sws_freeContext(context); }
};

// Pulls the first decoded picture out of the file.
std::unique_ptr<AVFrame, FrameFreer> decode_first_frame(AVFormatContext* format, int stream_index,
                                                        AVCodecContext* codec) {
  std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
  std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
  bool flushing = false;
  while (true) {
    int status = avcodec_receive_frame(codec, frame.get());
    if (status == 0) return frame;
    if (status == AVERROR_EOF) throw std::runtime_error("no picture could be decoded (corrupt image?)");
    if (status != AVERROR(EAGAIN)) throw std::runtime_error("corrupt image: " + av_error(status));
    if (flushing) throw std::runtime_error("no picture could be decoded (corrupt image?)");
    status = av_read_frame(format, packet.get());
    if (status < 0) {
      flushing = true;
      avcodec_send_packet(codec, nullptr);
      continue;
    }
    if (packet->stream_index == stream_index) {
      int sent = avcodec_send_packet(codec, packet.get());
      av_packet_unref(packet.get());
      if (sent < 0 && sent != AVERROR(EAGAIN)) throw std::runtime_error("corrupt image: " + av_error(sent));
    } else {
      av_packet_unref(packet.get());
    }
  }
}

// Refuses a picture whose header says it has more than limits.max_pixels, before any decoder
// allocates for it.
void check_header_size(const std::optional<PixelSize>& size, const DecodeLimits& limits) {
  if (!size) return;
  if (size->width <= 0 || size->height <= 0) throw std::runtime_error("the image header gives no size");
  // Divided, not multiplied: a PNG header's sides go up to 2^32 - 1 each, whose product
  // overflows long long (UB; found by tests/fuzz/fuzz_image.cpp).
  if (size->width > limits.max_pixels / size->height)
    throw std::runtime_error("the image is " + std::to_string(size->width) + "x" + std::to_string(size->height) +
                             ", more than the limit of " + std::to_string(limits.max_pixels) + " pixels");
}

// Only still-image demuxers, only local files: a "picture" that is really a playlist or a concat
// script must not make FFmpeg open other files or URLs.
AVDictionary* still_image_options() {
  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", "file", 0);
  av_dict_set(&options, "format_whitelist", "image2,png_pipe,jpeg_pipe,webp_pipe,gif,bmp_pipe,tiff_pipe", 0);
  return options;
}

// Bytes in memory as FFmpeg input: read and seek callbacks over a string_view.
struct MemoryInput {
  std::string_view bytes;
  std::size_t position = 0;

  static int read(void* opaque, uint8_t* buffer, int size) {
    auto* input = static_cast<MemoryInput*>(opaque);
    const std::size_t left = input->bytes.size() - input->position;
    if (left == 0) return AVERROR_EOF;
    const std::size_t count = std::min(left, static_cast<std::size_t>(std::max(size, 0)));
    std::memcpy(buffer, input->bytes.data() + input->position, count);
    input->position += count;
    return static_cast<int>(count);
  }

  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto* input = static_cast<MemoryInput*>(opaque);
    const auto size = static_cast<int64_t>(input->bytes.size());
    if (whence & AVSEEK_SIZE) return size;
    int64_t target = -1;
    switch (whence & ~AVSEEK_FORCE) {
      case SEEK_SET: target = offset; break;
      case SEEK_CUR: target = static_cast<int64_t>(input->position) + offset; break;
      case SEEK_END: target = size + offset; break;
      default: return AVERROR(EINVAL);
    }
    if (target < 0 || target > size) return AVERROR(EINVAL);
    input->position = static_cast<std::size_t>(target);
    return target;
  }
};

struct IoFreer {
  void operator()(AVIOContext* io) const {
    av_freep(&io->buffer);  // FFmpeg may have replaced the buffer given: free the one it holds
    avio_context_free(&io);
  }
};

// The first picture of the opened input, at most limits.max_side on its long side, as RGBA.
items::Image decode_opened(AVFormatContext* format, const DecodeLimits& limits) {
  // No avformat_find_stream_info: it would decode the picture before the limits apply.
  // The image demuxers know the codec from the header already.
  const AVCodec* decoder = nullptr;
  int stream_index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
  if (stream_index < 0 || !decoder) throw std::runtime_error("the file holds no picture");

  std::unique_ptr<AVCodecContext, CodecFreer> codec(avcodec_alloc_context3(decoder));
  avcodec_parameters_to_context(codec.get(), format->streams[stream_index]->codecpar);
  codec->thread_count = 1;  // one image: threads cost more than they give
  // The second guard, for formats whose header is not read above: the decoder refuses to
  // allocate a larger picture.
  codec->max_pixels = limits.max_pixels;
  int status = avcodec_open2(codec.get(), decoder, nullptr);
  if (status < 0) throw std::runtime_error("cannot open the " + std::string(decoder->name) + " decoder: " + av_error(status));

  auto frame = decode_first_frame(format, stream_index, codec.get());
  if (frame->width <= 0 || frame->height <= 0) throw std::runtime_error("decoded an empty picture");

  double scale = std::min(1.0, static_cast<double>(limits.max_side) / std::max(frame->width, frame->height));
  items::Image image;
  image.width = std::max(1, static_cast<int>(frame->width * scale + 0.5));
  image.height = std::max(1, static_cast<int>(frame->height * scale + 0.5));
  image.rgba.resize(static_cast<size_t>(image.width) * image.height * 4);

  std::unique_ptr<SwsContext, ScalerFreer> scaler(sws_getContext(
      frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), image.width, image.height,
      AV_PIX_FMT_RGBA, SWS_AREA, nullptr, nullptr, nullptr));
  if (!scaler) throw std::runtime_error("cannot convert the picture's pixel format");
  // swscale's SIMD paths write whole vectors past the end of a row, so it draws into an
  // aligned, padded buffer and the rows are copied out packed.
  uint8_t* destination[4] = {};
  int destination_stride[4] = {};
  if (av_image_alloc(destination, destination_stride, image.width, image.height, AV_PIX_FMT_RGBA, 64) < 0)
    throw std::runtime_error("out of memory for a " + std::to_string(image.width) + "x" +
                             std::to_string(image.height) + " picture");
  std::unique_ptr<uint8_t, void (*)(void*)> owned(destination[0], av_free);
  sws_scale(scaler.get(), frame->data, frame->linesize, 0, frame->height, destination, destination_stride);
  const size_t row = static_cast<size_t>(image.width) * 4;
  for (int y = 0; y < image.height; ++y)
    std::copy_n(destination[0] + static_cast<size_t>(y) * destination_stride[0], row, image.rgba.data() + y * row);
  return image;
}

}  // namespace

items::Image decode_image_file(const std::string& path, const DecodeLimits& limits) {
  if (!std::filesystem::is_regular_file(path)) throw std::runtime_error("no such file: " + path);
  check_header_size(read_pixel_size(path), limits);
  AVDictionary* raw_options = still_image_options();
  AVFormatContext* raw_format = nullptr;
  int status = avformat_open_input(&raw_format, path.c_str(), nullptr, &raw_options);
  av_dict_free(&raw_options);
  if (status < 0) throw std::runtime_error("not a readable image: " + av_error(status));
  std::unique_ptr<AVFormatContext, FormatCloser> format(raw_format);
  return decode_opened(format.get(), limits);
}

items::Image decode_image_bytes(std::string_view bytes, const DecodeLimits& limits) {
  if (bytes.empty()) throw std::runtime_error("the file is empty");
  check_header_size(read_pixel_size_of_bytes(bytes), limits);
  MemoryInput input{bytes};
  constexpr int buffer_size = 16 * 1024;
  auto* buffer = static_cast<unsigned char*>(av_malloc(buffer_size));
  if (!buffer) throw std::bad_alloc();
  std::unique_ptr<AVIOContext, IoFreer> io(
      avio_alloc_context(buffer, buffer_size, 0, &input, &MemoryInput::read, nullptr, &MemoryInput::seek));
  if (!io) {
    av_free(buffer);
    throw std::bad_alloc();
  }
  AVFormatContext* raw_format = avformat_alloc_context();
  if (!raw_format) throw std::bad_alloc();
  raw_format->pb = io.get();
  raw_format->flags |= AVFMT_FLAG_CUSTOM_IO;
  AVDictionary* raw_options = still_image_options();
  // On failure avformat_open_input frees the context (never the custom I/O, which io owns).
  int status = avformat_open_input(&raw_format, nullptr, nullptr, &raw_options);
  av_dict_free(&raw_options);
  if (status < 0) throw std::runtime_error("not a readable image: " + av_error(status));
  std::unique_ptr<AVFormatContext, FormatCloser> format(raw_format);  // closed before io is freed
  return decode_opened(format.get(), limits);
}

}  // namespace pipectl::media
