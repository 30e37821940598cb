// Repeated pictures without an encoder: an H.264 P picture whose every macroblock is skipped
// shows the previous picture again, bit for bit, and costs a dozen bytes. A card shown for
// 90 pictures is then one x264 encode (the card, as an IDR picture) and 89 of these.
//
// They are written under a second picture parameter set (id 1, CAVLC, so the slice data is a
// single mb_skip_run) next to x264's own (id 0, CABAC), and follow the rules a decoder may
// rely on even where ffmpeg and browsers are lenient: every repeat is a reference picture
// (nal_ref_idc > 0: POC type 2 forbids two non-reference pictures in a row), frame_num counts
// up from the IDR modulo MaxFrameNum, the reference list uses the sliding window, and
// deblocking is off (nothing to filter: no residual, no motion).
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace pipectl::encode {

// What a slice header needs from the sequence parameter set.
struct SpsFacts {
  int profile_idc = 0;
  int sps_id = 0;
  int log2_max_frame_num = 0;  // MaxFrameNum = 1 << this
  int pic_order_cnt_type = 0;
  int max_num_ref_frames = 0;
  int width_in_mbs = 0;
  int height_in_mbs = 0;
  bool frame_mbs_only = false;

  int macroblocks() const { return width_in_mbs * height_in_mbs; }
};

// Reads an SPS NAL unit (header byte included, no start code or length; emulation prevention
// bytes are removed here). std::runtime_error when it is not one or cannot be read.
SpsFacts parse_sps(std::span<const std::uint8_t> nal);

// x264 told that every picture is an IDR (keyint 1) holds no reference pictures, which saves
// it ~19 MB at 1080p, and says so in its SPS: max_num_ref_frames 0 and constraint_set3_flag
// (intra only) set; its slices are the same as with forced IDRs. The skip pictures refer to
// the picture before them, so the SPS the stream carries must allow one: returns the SPS NAL
// unit (header byte included) with max_num_ref_frames at least 1 and constraint_set3_flag
// clear, every other bit as it was; unchanged when it already is so.
std::vector<std::uint8_t> sps_with_one_reference(std::span<const std::uint8_t> nal);

// Whether skip pictures can follow this stream's IDR pictures: progressive frames and POC type
// 2 (what x264 writes without B-frames). Otherwise the writer falls back to x264 repeats.
bool skip_pictures_supported(const SpsFacts& sps);

// The PPS NAL unit (header byte included) the skip pictures refer to: id 1, CAVLC, one
// reference, deblocking control present.
std::vector<std::uint8_t> skip_pps_nal(const SpsFacts& sps);
inline constexpr int kSkipPpsId = 1;

// One all-skip P picture: a slice NAL unit (header byte included, nal_ref_idc 2, type 1) with
// `frame_num` (already reduced modulo MaxFrameNum).
std::vector<std::uint8_t> skip_picture_nal(const SpsFacts& sps, int frame_num);

// Emulation prevention: 0x03 inserted after two zero bytes followed by a byte <= 3.
std::vector<std::uint8_t> escape_rbsp(std::span<const std::uint8_t> rbsp);

}  // namespace pipectl::encode
