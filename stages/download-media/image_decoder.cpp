#include "image_decoder.hpp"

#include "image_header.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
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

}  // namespace

items::Image decode_image_file(const std::string& path, const DecodeLimits& limits) {
  if (!std::filesystem::is_regular_file(path)) throw std::runtime_error("no such file: " + path);

  auto too_large = [&](long long width, long long height) {
    return std::runtime_error("the image is " + std::to_string(width) + "x" + std::to_string(height) +
                              ", more than the limit of " + std::to_string(limits.max_pixels) + " pixels");
  };
  // Refuse from the header, before any decoder allocates for the picture.
  if (auto size = read_pixel_size(path)) {
    if (size->width <= 0 || size->height <= 0) throw std::runtime_error("the image header gives no size");
    if (size->width * size->height > limits.max_pixels) throw too_large(size->width, size->height);
  }

  // Only still-image demuxers, only local files: a "picture" that is really a playlist or a
  // concat script must not make FFmpeg open other files or URLs.
  AVDictionary* raw_options = nullptr;
  av_dict_set(&raw_options, "protocol_whitelist", "file", 0);
  av_dict_set(&raw_options, "format_whitelist", "image2,png_pipe,jpeg_pipe,webp_pipe,gif,bmp_pipe,tiff_pipe", 0);
  AVFormatContext* raw_format = nullptr;
  int status = avformat_open_input(&raw_format, path.c_str(), nullptr, &raw_options);
  av_dict_free(&raw_options);
  if (status < 0) throw std::runtime_error("not a readable image: " + av_error(status));
  std::unique_ptr<AVFormatContext, FormatCloser> format(raw_format);
  // No avformat_find_stream_info: it would decode the picture before the limits apply.
  // The image demuxers know the codec from the header already.
  const AVCodec* decoder = nullptr;
  int stream_index = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
  if (stream_index < 0 || !decoder) throw std::runtime_error("the file holds no picture");

  std::unique_ptr<AVCodecContext, CodecFreer> codec(avcodec_alloc_context3(decoder));
  avcodec_parameters_to_context(codec.get(), format->streams[stream_index]->codecpar);
  codec->thread_count = 1;  // one image: threads cost more than they give
  // The second guard, for formats whose header is not read above: the decoder refuses to
  // allocate a larger picture.
  codec->max_pixels = limits.max_pixels;
  status = avcodec_open2(codec.get(), decoder, nullptr);
  if (status < 0) throw std::runtime_error("cannot open the " + std::string(decoder->name) + " decoder: " + av_error(status));

  auto frame = decode_first_frame(format.get(), stream_index, codec.get());
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

}  // namespace pipectl::media
