#include "mp4_writer.hpp"

#include "encode.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>
#include <system_error>

#include "h264_skip.hpp"
#include "pipectl/temp_files.hpp"
#include "pipectl/write_errors.hpp"

// x264.h needs the fixed-width integer types declared before it.
extern "C" {
#include <x264.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/mathematics.h>
#include <libavutil/mem.h>
#include <libavutil/pixfmt.h>
}

namespace pipectl::encode {

namespace {

// RAII owners for the C handles, so every exit path (exceptions included) frees them.
struct X264Close {
  void operator()(x264_t* encoder) const noexcept { x264_encoder_close(encoder); }
};
struct FormatClose {
  void operator()(AVFormatContext* format) const noexcept {
    if (format->pb) avio_closep(&format->pb);
    avformat_free_context(format);
  }
};
struct PacketFree {
  void operator()(AVPacket* packet) const noexcept { av_packet_free(&packet); }
};
struct DictFree {
  void operator()(AVDictionary* dict) const noexcept { av_dict_free(&dict); }
};
using X264Ptr = std::unique_ptr<x264_t, X264Close>;
using FormatPtr = std::unique_ptr<AVFormatContext, FormatClose>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;

// An errno (AVERROR(ENOSPC) from a write, say) reads as write_error_text says it: "no space left
// on device (the disk is full)", "file size limit exceeded (RLIMIT_FSIZE ...)"; FFmpeg's own
// codes (AVERROR_INVALIDDATA ...) as av_strerror gives them. FFmpeg's codes are four-letter
// tags, far from the small positive numbers errno uses.
std::string av_error_text(int code) {
  if (code < 0 && -code < 4096) return pipectl::write_error_text(AVUNERROR(code));
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buffer, sizeof buffer);
  return buffer;
}

bool in_list(const char* const* names, const std::string& name) {
  for (; *names; ++names)
    if (name == *names) return true;
  return false;
}

std::string join(const char* const* names) {
  std::string text;
  for (; *names; ++names) text += (text.empty() ? "" : ", ") + std::string(*names);
  return text;
}

// A NAL unit from x264 without its 4-byte length prefix (b_annexb=0 writes sizes, not start
// codes).
std::vector<std::uint8_t> nal_body(const x264_nal_t& nal) {
  if (nal.i_payload < 4) throw std::runtime_error("x264 returned a truncated NAL unit");
  return {nal.p_payload + 4, nal.p_payload + nal.i_payload};
}

// The avcC record (ISO/IEC 14496-15, AVCDecoderConfigurationRecord) that MP4 keeps as the
// stream's extradata. libavformat copies extradata that starts with version 1 verbatim; handing
// it length-prefixed NALs instead would be mistaken for an avcC and produce a broken file.
std::vector<std::uint8_t> make_avcc(const std::vector<std::uint8_t>& sps,
                                    const std::vector<std::vector<std::uint8_t>>& pps_list) {
  if (sps.size() < 4 || sps.size() > 0xFFFF || pps_list.empty() || pps_list.size() > 31)
    throw std::runtime_error("x264 returned unusable SPS/PPS headers");
  for (const auto& pps : pps_list)
    if (pps.empty() || pps.size() > 0xFFFF) throw std::runtime_error("x264 returned an unusable PPS");
  std::vector<std::uint8_t> avcc = {
      1,       // configurationVersion
      sps[1],  // AVCProfileIndication
      sps[2],  // profile_compatibility
      sps[3],  // AVCLevelIndication
      0xFF,    // 6 reserved bits, lengthSizeMinusOne = 3 (x264 writes 4-byte NAL sizes)
      0xE1,    // 3 reserved bits, one SPS
  };
  auto append_sized = [&avcc](const std::vector<std::uint8_t>& nal) {
    avcc.push_back(static_cast<std::uint8_t>(nal.size() >> 8));
    avcc.push_back(static_cast<std::uint8_t>(nal.size() & 0xFF));
    avcc.insert(avcc.end(), nal.begin(), nal.end());
  };
  append_sized(sps);
  avcc.push_back(static_cast<std::uint8_t>(pps_list.size()));  // numOfPictureParameterSets
  for (const auto& pps : pps_list) append_sized(pps);
  // High profiles carry chroma format and bit depths too; we always encode 8-bit 4:2:0.
  const int profile = sps[1];
  if (profile == 100 || profile == 110 || profile == 122 || profile == 144) {
    avcc.push_back(0xFC | 1);  // chroma_format_idc = 1 (4:2:0)
    avcc.push_back(0xF8 | 0);  // bit_depth_luma_minus8
    avcc.push_back(0xF8 | 0);  // bit_depth_chroma_minus8
    avcc.push_back(0);         // no SPS extensions
  }
  return avcc;
}

// Keeps the .mp4 extension for tools that look.
std::filesystem::path make_temp_path(const std::filesystem::path& final_path) {
  return pipectl::temp_path_for(final_path, ".mp4");
}

// By RepeatMode's value; null-terminated like x264's own name lists, for join().
constexpr const char* kRepeatModeNames[] = {"skip", "x264", "still", nullptr};

}  // namespace

const char* to_string(RepeatMode mode) { return kRepeatModeNames[static_cast<int>(mode)]; }

std::vector<std::string> repeat_mode_names() {
  return {std::begin(kRepeatModeNames), std::end(kRepeatModeNames) - 1};
}

RepeatMode repeat_mode_named(const std::string& name) {
  for (int mode = 0; kRepeatModeNames[mode]; ++mode)
    if (name == kRepeatModeNames[mode]) return static_cast<RepeatMode>(mode);
  throw std::invalid_argument("unknown repeat mode '" + name + "': use one of " + join(kRepeatModeNames));
}

std::optional<double> video_length_seconds(const std::filesystem::path& file) {
  AVFormatContext* context = nullptr;
  if (avformat_open_input(&context, file.c_str(), nullptr, nullptr) < 0) return std::nullopt;
  std::optional<double> seconds;
  if (avformat_find_stream_info(context, nullptr) >= 0 && context->duration != AV_NOPTS_VALUE)
    seconds = static_cast<double>(context->duration) / AV_TIME_BASE;
  avformat_close_input(&context);
  return seconds;
}

void check_encoder_settings(const Mp4WriterOptions& o) {
  if (o.fps < 1 || o.fps > 1000)
    throw std::invalid_argument("fps " + std::to_string(o.fps) + " is out of range 1..1000");
  if (!std::isfinite(o.crf) || o.crf < 0 || o.crf > 51)
    throw std::invalid_argument("crf " + std::to_string(o.crf) + " is out of range 0..51");
  // x264 turns crf < 1 into lossless coding, which the High profile cannot signal.
  if (o.crf < 1)
    throw std::invalid_argument("crf " + std::to_string(o.crf) +
                                " means lossless, which the High profile does not allow: use "
                                "crf 1 or more");
  if (o.threads < 0)
    throw std::invalid_argument("threads must be 0 (automatic) or more");
  if (!in_list(x264_preset_names, o.preset))
    throw std::invalid_argument("unknown x264 preset '" + o.preset +
                                "': use one of " + join(x264_preset_names));
  if (!o.tune.empty() && !in_list(x264_tune_names, o.tune))
    throw std::invalid_argument("unknown x264 tune '" + o.tune + "': use one of " +
                                join(x264_tune_names));
}

std::vector<std::string> x264_presets() {
  std::vector<std::string> names;
  for (const char* const* name = x264_preset_names; *name; ++name) names.emplace_back(*name);
  return names;
}

std::string x264_presets_text() { return join(x264_preset_names); }

namespace {

// x264 set up for `options` (its repeat mode decides how every picture is coded).
X264Ptr open_x264(const Mp4WriterOptions& options) {
  x264_param_t param;
  if (x264_param_default_preset(&param, options.preset.c_str(),
                                options.tune.empty() ? nullptr : options.tune.c_str()) < 0)
    throw std::invalid_argument("x264 refused preset '" + options.preset + "'");
  param.i_log_level = X264_LOG_WARNING;  // no per-file statistics on stderr
  param.i_threads = options.threads == 0 ? X264_THREADS_AUTO : options.threads;
  param.i_width = options.width;
  param.i_height = options.height;
  param.i_csp = X264_CSP_I420;
  // Constant frame rate with a timebase of one picture: pts are picture numbers.
  param.i_fps_num = static_cast<std::uint32_t>(options.fps);
  param.i_fps_den = 1;
  param.i_timebase_num = 1;
  param.i_timebase_den = static_cast<std::uint32_t>(options.fps);
  param.b_vfr_input = 0;
  if (options.repeat != RepeatMode::x264) {
    // x264 sees one picture per card, an IDR (each card is a fresh start and the skip
    // pictures after it refer only to it), at the card's real time: its rate control
    // spends bits by time, and a card that lasts 3 s is worth more than one that lasts
    // 1/30 s. No B-frames: output order is input order, and the SPS uses POC type 2.
    param.b_vfr_input = 1;
    param.i_bframe = 0;
    // Told that every picture is an IDR (keyint 1), x264 keeps no reference pictures and
    // their sub-pixel planes: 19 MB less at 1080p, and the same slices as forced IDRs with
    // an infinite keyint. Its SPS then says "intra only"; skip mode mends that
    // (sps_with_one_reference).
    param.i_keyint_max = 1;
    param.i_scenecut_threshold = 0;
    // Every picture x264 sees is an IDR: there is no inter prediction for a lookahead or
    // macroblock tree to plan, only pictures for them to hold (memory, and a delay).
    param.rc.i_lookahead = 0;
    param.rc.b_mb_tree = 0;
    param.i_sync_lookahead = 0;
  }
  param.rc.i_rc_method = X264_RC_CRF;
  param.rc.f_rf_constant = static_cast<float>(options.crf);
  // Cards are BT.709 limited range (items/frame.hpp); say so in the VUI so players do not
  // guess BT.601 for small sizes.
  param.vui.i_colorprim = 1;  // bt709
  param.vui.i_transfer = 1;   // bt709
  param.vui.i_colmatrix = 1;  // bt709
  param.vui.b_fullrange = 0;
  // MP4 wants length-prefixed NALs and the SPS/PPS once, in the avcC box.
  param.b_annexb = 0;
  param.b_repeat_headers = 0;
  if (x264_param_apply_profile(&param, "high") < 0)
    throw std::invalid_argument("x264 cannot apply the High profile to these settings");
  X264Ptr encoder(x264_encoder_open(&param));
  if (!encoder) throw std::runtime_error("x264 could not open an encoder");
  return encoder;
}

// What x264 says once, before any picture: the SPS and PPS (bodies, for the avcC) and its
// settings SEI (length prefix kept: it goes into the first packet).
struct StreamHeaders {
  std::vector<std::uint8_t> sps;
  std::vector<std::vector<std::uint8_t>> pps;
  std::vector<std::uint8_t> sei;
};

StreamHeaders stream_headers(x264_t* encoder) {
  x264_nal_t* nals = nullptr;
  int nal_count = 0;
  if (x264_encoder_headers(encoder, &nals, &nal_count) < 0)
    throw std::runtime_error("x264 could not produce stream headers");
  StreamHeaders headers;
  for (int i = 0; i < nal_count; ++i) {
    if (nals[i].i_type == NAL_SPS) headers.sps = nal_body(nals[i]);
    else if (nals[i].i_type == NAL_PPS) headers.pps.push_back(nal_body(nals[i]));
    else if (nals[i].i_type == NAL_SEI) headers.sei.assign(nals[i].p_payload, nals[i].p_payload + nals[i].i_payload);
  }
  return headers;
}

}  // namespace

struct Mp4Writer::Impl {
  X264Ptr encoder;
  FormatPtr format;
  PacketPtr packet;
  AVStream* stream = nullptr;         // owned by `format`
  AVRational encoder_time_base{1, 30};  // x264's pts/dts unit: one picture
  std::vector<std::uint8_t> sei;       // x264's settings SEI, sent with the first packet
  bool file_created = false;
  // When repeats are written as skip pictures: the packet (a length-prefixed slice NAL) of
  // each frame_num, 0 .. MaxFrameNum - 1, made once; a repeat only picks its own.
  std::vector<std::vector<std::uint8_t>> skip_packets;
  // Cards handed to x264 whose picture has not come out yet: first picture number -> how many
  // pictures the card lasts (skip and still modes).
  std::map<std::int64_t, std::int64_t> pending_cards;
};

Mp4Writer::Mp4Writer(std::filesystem::path final_path, const Mp4WriterOptions& options)
    : final_path_(std::move(final_path)), options_(options), impl_(std::make_unique<Impl>()) {
  check_encoder_settings(options_);
  if (options_.width <= 0 || options_.height <= 0 || options_.width % 2 || options_.height % 2)
    throw std::invalid_argument("video size " + std::to_string(options_.width) + "x" +
                                std::to_string(options_.height) +
                                " is not usable: width and height must be even and positive");
  if (final_path_.empty()) throw std::invalid_argument("empty output path");
  temp_path_ = make_temp_path(final_path_);
  try {
    // --- encoder ---
    impl_->encoder = open_x264(options_);
    impl_->encoder_time_base = AVRational{1, options_.fps};
    StreamHeaders headers = stream_headers(impl_->encoder.get());
    if (options_.repeat == RepeatMode::skip) {
      const SpsFacts facts = parse_sps(headers.sps);
      if (skip_pictures_supported(facts) && headers.pps.size() == 1) {
        headers.sps = sps_with_one_reference(headers.sps);
        for (int frame_num = 0; frame_num < (1 << facts.log2_max_frame_num); ++frame_num) {
          const std::vector<std::uint8_t> nal = skip_picture_nal(facts, frame_num);
          std::vector<std::uint8_t> packet{static_cast<std::uint8_t>(nal.size() >> 24),
                                           static_cast<std::uint8_t>(nal.size() >> 16),
                                           static_cast<std::uint8_t>(nal.size() >> 8),
                                           static_cast<std::uint8_t>(nal.size())};
          packet.insert(packet.end(), nal.begin(), nal.end());
          impl_->skip_packets.push_back(std::move(packet));
        }
        headers.pps.push_back(skip_pps_nal(facts));  // id 1, next to x264's id 0
      } else {
        // x264 encodes the repeats: slower, still correct. It must be opened again: set up
        // for skip mode it would make every repeat an IDR.
        options_.repeat = RepeatMode::x264;
        impl_->encoder = open_x264(options_);
        headers = stream_headers(impl_->encoder.get());
      }
    }
    impl_->sei = std::move(headers.sei);
    const std::vector<std::uint8_t> avcc = make_avcc(headers.sps, headers.pps);

    // --- container ---
    if (final_path_.has_parent_path()) std::filesystem::create_directories(final_path_.parent_path());

    AVFormatContext* raw_format = nullptr;
    // The format is named explicitly: the temporary name must not decide the muxer.
    int rc = avformat_alloc_output_context2(&raw_format, nullptr, "mp4", temp_path_.c_str());
    if (rc < 0 || !raw_format)
      throw std::runtime_error("cannot set up the MP4 muxer: " + av_error_text(rc));
    impl_->format.reset(raw_format);

    AVStream* stream = avformat_new_stream(raw_format, nullptr);
    if (!stream) throw std::runtime_error("cannot add a video stream to the MP4 muxer");
    impl_->stream = stream;
    stream->time_base = impl_->encoder_time_base;  // a hint; the muxer picks its own timescale
    if (options_.repeat != RepeatMode::still) stream->avg_frame_rate = AVRational{options_.fps, 1};
    AVCodecParameters* par = stream->codecpar;
    par->codec_type = AVMEDIA_TYPE_VIDEO;
    par->codec_id = AV_CODEC_ID_H264;
    par->codec_tag = 0;
    par->width = options_.width;
    par->height = options_.height;
    par->format = AV_PIX_FMT_YUV420P;
    par->profile = FF_PROFILE_H264_HIGH;
    par->field_order = AV_FIELD_PROGRESSIVE;
    par->sample_aspect_ratio = AVRational{1, 1};
    par->color_range = AVCOL_RANGE_MPEG;
    par->color_primaries = AVCOL_PRI_BT709;
    par->color_trc = AVCOL_TRC_BT709;
    par->color_space = AVCOL_SPC_BT709;
    x264_param_t used;  // the settings x264 runs with, after the preset and its own checks
    x264_encoder_parameters(impl_->encoder.get(), &used);
    par->video_delay = used.i_bframe ? (used.i_bframe_pyramid ? 2 : 1) : 0;
    par->extradata = static_cast<std::uint8_t*>(av_mallocz(avcc.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    if (!par->extradata) throw std::bad_alloc();
    std::memcpy(par->extradata, avcc.data(), avcc.size());
    par->extradata_size = static_cast<int>(avcc.size());

    rc = avio_open(&raw_format->pb, temp_path_.c_str(), AVIO_FLAG_WRITE);
    if (rc < 0)
      throw std::runtime_error("cannot create " + temp_path_.string() + ": " + av_error_text(rc));
    impl_->file_created = true;

    AVDictionary* raw_options = nullptr;
    // faststart: the trailer moves the moov box before mdat, so players (and browsers over
    // HTTP) can start without reading the whole file.
    av_dict_set(&raw_options, "movflags", "+faststart", 0);
    rc = avformat_write_header(raw_format, &raw_options);
    const std::unique_ptr<AVDictionary, DictFree> mux_options(raw_options);  // the unused ones
    if (rc < 0)
      throw std::runtime_error("cannot write the MP4 header to " + temp_path_.string() + ": " +
                               av_error_text(rc));
    if (av_dict_count(mux_options.get()) != 0)
      throw std::logic_error("the MP4 muxer ignored an option");

    impl_->packet.reset(av_packet_alloc());
    if (!impl_->packet) throw std::bad_alloc();
  } catch (...) {
    close_and_remove();
    state_ = State::failed;
    throw;
  }
}

Mp4Writer::~Mp4Writer() {
  if (state_ == State::open) close_and_remove();
}

std::int64_t Mp4Writer::pictures_for(double duration_seconds, int fps) {
  if (!std::isfinite(duration_seconds) || duration_seconds <= 0)
    throw std::invalid_argument("card duration " + std::to_string(duration_seconds) +
                                " s is not a positive number of seconds");
  if (duration_seconds > 24 * 3600)
    throw std::invalid_argument("card duration " + std::to_string(duration_seconds) +
                                " s is longer than a day");
  const auto pictures = std::llround(duration_seconds * fps);
  return pictures < 1 ? 1 : pictures;
}

void Mp4Writer::write_card(const items::Frame& frame) {
  if (state_ != State::open) throw std::logic_error("Mp4Writer::write_card after finish or abort");
  // Everything about the frame is checked before the encoder sees it, so a bad frame leaves
  // the file as it was.
  const std::string name = "frame '" + frame.label + "'";
  if (frame.width != options_.width || frame.height != options_.height)
    throw std::invalid_argument(name + " is " + std::to_string(frame.width) + "x" +
                                std::to_string(frame.height) + ", the video is " +
                                std::to_string(options_.width) + "x" +
                                std::to_string(options_.height));
  const auto luma = static_cast<std::size_t>(options_.width) * options_.height;
  const auto chroma = static_cast<std::size_t>(options_.width / 2) * (options_.height / 2);
  if (frame.y.size() != luma || frame.u.size() != chroma || frame.v.size() != chroma)
    throw std::invalid_argument(name + " has planes of the wrong length for " +
                                std::to_string(options_.width) + "x" +
                                std::to_string(options_.height) + " I420");
  const std::int64_t pictures = pictures_for(frame.duration_seconds, options_.fps);
  encode_card(frame, pictures);
  ++cards_written_;
}

void Mp4Writer::encode_card(const items::Frame& frame, std::int64_t pictures) {
  if (options_.repeat == RepeatMode::x264) {
    for (std::int64_t i = 0; i < pictures; ++i) {
      encode_and_write(false, &frame);
      ++pictures_submitted_;
    }
    return;
  }
  // One picture for x264, at the card's first picture number; its repeats (skip) or its
  // duration (still) are added when x264 hands the picture back.
  impl_->pending_cards[pictures_submitted_] = pictures;
  encode_and_write(false, &frame, true);
  pictures_submitted_ += pictures;
}

bool Mp4Writer::encode_and_write(bool flush, const items::Frame* frame, bool force_idr) {
  x264_picture_t in;
  x264_picture_t out;
  x264_picture_init(&in);
  x264_picture_init(&out);
  if (!flush) {
    in.img.i_csp = X264_CSP_I420;
    in.img.i_plane = 3;
    // x264 takes non-const plane pointers but copies the picture into its own buffers during
    // x264_encoder_encode and never writes to ours.
    in.img.plane[0] = const_cast<std::uint8_t*>(frame->y.data());
    in.img.plane[1] = const_cast<std::uint8_t*>(frame->u.data());
    in.img.plane[2] = const_cast<std::uint8_t*>(frame->v.data());
    in.img.i_stride[0] = options_.width;
    in.img.i_stride[1] = options_.width / 2;
    in.img.i_stride[2] = options_.width / 2;
    in.i_pts = pictures_submitted_;
    in.i_type = force_idr ? X264_TYPE_IDR : X264_TYPE_AUTO;
  }
  x264_nal_t* nals = nullptr;
  int nal_count = 0;
  const int size =
      x264_encoder_encode(impl_->encoder.get(), &nals, &nal_count, flush ? nullptr : &in, &out);
  if (size < 0) fail_and_throw("x264 failed to encode a picture");
  if (size == 0) return false;  // buffered in x264's lookahead; comes out later

  // x264 guarantees that the payloads of one call are contiguous, starting at nals[0].
  const std::uint8_t* data = nals[0].p_payload;
  if (options_.repeat == RepeatMode::x264) {
    // x264 counts in pictures (timebase 1/fps). With B-frames its dts starts below zero (it
    // precedes the pts by the reorder delay); rescaling both keeps that offset, and the MP4
    // muxer turns it into an edit list so the first picture is shown at time 0.
    write_packet(data, static_cast<std::size_t>(size), out.i_pts, out.i_dts, 1, out.b_keyframe);
    return true;
  }
  const auto card = impl_->pending_cards.find(out.i_pts);
  if (card == impl_->pending_cards.end()) fail_and_throw("x264 returned a picture that was never given");
  const std::int64_t pictures = card->second;
  impl_->pending_cards.erase(card);
  // No B-frames: the picture is decoded when it is shown.
  if (options_.repeat == RepeatMode::still) {
    write_packet(data, static_cast<std::size_t>(size), out.i_pts, out.i_pts, pictures, true);
    return true;
  }
  write_packet(data, static_cast<std::size_t>(size), out.i_pts, out.i_pts, 1, true);
  const auto& packets = impl_->skip_packets;
  for (std::int64_t k = 1; k < pictures; ++k) {
    // The IDR picture has frame_num 0; each repeat is a reference picture, one more.
    const auto& packet = packets[static_cast<std::size_t>(k) % packets.size()];
    write_packet(packet.data(), packet.size(), out.i_pts + k, out.i_pts + k, 1, false);
  }
  return true;
}

void Mp4Writer::write_packet(const std::uint8_t* data, std::size_t size, std::int64_t pts,
                             std::int64_t dts, std::int64_t duration, bool key) {
  AVPacket* packet = impl_->packet.get();
  av_packet_unref(packet);
  const auto sei_size = impl_->sei.size();
  if (av_new_packet(packet, static_cast<int>(size + sei_size)) < 0) fail_and_throw("out of memory for a packet");
  if (sei_size) std::memcpy(packet->data, impl_->sei.data(), sei_size);
  std::memcpy(packet->data + sei_size, data, size);
  impl_->sei.clear();
  const AVRational muxer_time_base = impl_->stream->time_base;
  packet->pts = av_rescale_q(pts, impl_->encoder_time_base, muxer_time_base);
  packet->dts = av_rescale_q(dts, impl_->encoder_time_base, muxer_time_base);
  packet->duration = av_rescale_q(duration, impl_->encoder_time_base, muxer_time_base);
  packet->stream_index = impl_->stream->index;
  if (key) packet->flags |= AV_PKT_FLAG_KEY;
  const int rc = av_interleaved_write_frame(impl_->format.get(), packet);
  if (rc < 0) fail_and_throw("cannot write to " + temp_path_.string() + ": " + av_error_text(rc));
}

void Mp4Writer::finish() {
  if (state_ != State::open) throw std::logic_error("Mp4Writer::finish after finish or abort");
  // Pictures still in x264's lookahead and B-frame queue.
  while (x264_encoder_delayed_frames(impl_->encoder.get()) > 0) encode_and_write(true, nullptr);

  int rc = av_write_trailer(impl_->format.get());
  if (rc < 0)
    fail_and_throw("cannot finish " + temp_path_.string() + ": " + av_error_text(rc));
  // Closing flushes the last buffered bytes; a full disk shows here, before the rename.
  rc = avio_closep(&impl_->format->pb);
  if (rc < 0) fail_and_throw("cannot close " + temp_path_.string() + ": " + av_error_text(rc));
  impl_->format.reset();
  impl_->encoder.reset();
  impl_->packet.reset();

  std::error_code error;
  std::filesystem::rename(temp_path_, final_path_, error);
  if (error)
    fail_and_throw("cannot rename " + temp_path_.string() + " to " + final_path_.string() + ": " +
                   (error.category() == std::generic_category() || error.category() == std::system_category()
                        ? pipectl::write_error_text(error.value())
                        : error.message()));
  impl_->file_created = false;
  state_ = State::finished;
}

void Mp4Writer::abort() noexcept {
  if (state_ != State::open) return;
  close_and_remove();
  state_ = State::failed;
}

void Mp4Writer::fail_and_throw(const std::string& what) {
  close_and_remove();
  state_ = State::failed;
  throw std::runtime_error(what + " (output " + final_path_.string() + ")");
}

void Mp4Writer::close_and_remove() noexcept {
  if (!impl_) return;
  impl_->format.reset();  // closes the file without a trailer
  impl_->encoder.reset();
  impl_->packet.reset();
  if (impl_->file_created) {
    std::error_code ignored;
    std::filesystem::remove(temp_path_, ignored);
    impl_->file_created = false;
  }
}

}  // namespace pipectl::encode
