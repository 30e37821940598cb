#include "h264_skip.hpp"

#include <algorithm>
#include <string>

namespace pipectl::encode {

namespace {

// Exp-Golomb and fixed-width bits, most significant first (H.264 7.2, 9.1).
class BitWriter {
 public:
  void bits(std::uint32_t value, int count) {
    for (int i = count - 1; i >= 0; --i) bit((value >> i) & 1);
  }
  void bit(unsigned b) {
    if (used_ == 0) bytes_.push_back(0);
    if (b) bytes_.back() |= static_cast<std::uint8_t>(0x80 >> used_);
    used_ = (used_ + 1) % 8;
  }
  void ue(std::uint32_t value) {
    const std::uint64_t coded = static_cast<std::uint64_t>(value) + 1;
    int length = 0;
    while ((coded >> (length + 1)) != 0) ++length;
    bits(0, length);
    for (int i = length; i >= 0; --i) bit(static_cast<unsigned>((coded >> i) & 1));
  }
  void se(std::int32_t value) { ue(value <= 0 ? static_cast<std::uint32_t>(-2 * static_cast<std::int64_t>(value)) : static_cast<std::uint32_t>(2 * value - 1)); }
  // rbsp_trailing_bits: a one, then zeros to the byte boundary.
  std::vector<std::uint8_t> finish() {
    bit(1);
    used_ = 0;
    return std::move(bytes_);
  }

 private:
  std::vector<std::uint8_t> bytes_;
  int used_ = 0;  // bits used in the last byte
};

class BitReader {
 public:
  explicit BitReader(std::vector<std::uint8_t> rbsp) : data_(std::move(rbsp)) {}
  unsigned bit() {
    if (position_ >= data_.size() * 8) throw std::runtime_error("SPS ends early");
    const unsigned b = (data_[position_ / 8] >> (7 - position_ % 8)) & 1;
    ++position_;
    return b;
  }
  std::uint32_t bits(int count) {
    std::uint32_t value = 0;
    for (int i = 0; i < count; ++i) value = (value << 1) | bit();
    return value;
  }
  std::uint32_t ue() {
    int zeros = 0;
    while (bit() == 0)
      if (++zeros > 31) throw std::runtime_error("SPS has an Exp-Golomb code longer than 32 bits");
    return static_cast<std::uint32_t>((std::uint64_t{1} << zeros) - 1 + bits(zeros));
  }
  std::int32_t se() {
    const std::uint32_t k = ue();
    return (k & 1) ? static_cast<std::int32_t>((k + 1) / 2) : -static_cast<std::int32_t>(k / 2);
  }
  std::size_t position() const { return position_; }  // in bits

 private:
  std::vector<std::uint8_t> data_;
  std::size_t position_ = 0;
};

std::vector<std::uint8_t> unescape(std::span<const std::uint8_t> nal_payload) {
  std::vector<std::uint8_t> rbsp;
  rbsp.reserve(nal_payload.size());
  int zeros = 0;
  for (std::uint8_t byte : nal_payload) {
    if (zeros >= 2 && byte == 3) {
      zeros = 0;
      continue;
    }
    zeros = byte == 0 ? zeros + 1 : 0;
    rbsp.push_back(byte);
  }
  return rbsp;
}

void skip_scaling_list(BitReader& reader, int size) {
  int last = 8, next = 8;
  for (int j = 0; j < size; ++j) {
    if (next != 0) next = (last + reader.se() + 256) % 256;
    last = next == 0 ? last : next;
  }
}

std::vector<std::uint8_t> nal(std::uint8_t header, const std::vector<std::uint8_t>& rbsp) {
  std::vector<std::uint8_t> out{header};
  const auto escaped = escape_rbsp(rbsp);
  out.insert(out.end(), escaped.begin(), escaped.end());
  return out;
}

}  // namespace

std::vector<std::uint8_t> escape_rbsp(std::span<const std::uint8_t> rbsp) {
  std::vector<std::uint8_t> out;
  out.reserve(rbsp.size() + rbsp.size() / 64 + 1);
  int zeros = 0;
  for (std::uint8_t byte : rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push_back(3);
      zeros = 0;
    }
    out.push_back(byte);
    zeros = byte == 0 ? zeros + 1 : 0;
  }
  return out;
}

namespace {

// Reads an SPS's RBSP up to max_num_ref_frames, which it leaves next.
SpsFacts read_sps_head(BitReader& r) {
  SpsFacts sps;
  sps.profile_idc = static_cast<int>(r.bits(8));
  r.bits(8);  // constraint flags, reserved
  r.bits(8);  // level_idc
  sps.sps_id = static_cast<int>(r.ue());
  const int p = sps.profile_idc;
  if (p == 100 || p == 110 || p == 122 || p == 244 || p == 44 || p == 83 || p == 86 || p == 118 ||
      p == 128 || p == 138 || p == 139 || p == 134 || p == 135) {
    const std::uint32_t chroma_format_idc = r.ue();
    if (chroma_format_idc == 3) r.bit();  // separate_colour_plane_flag
    r.ue();                              // bit_depth_luma_minus8
    r.ue();                              // bit_depth_chroma_minus8
    r.bit();                             // qpprime_y_zero_transform_bypass_flag
    if (r.bit())                         // seq_scaling_matrix_present_flag
      for (int i = 0; i < (chroma_format_idc != 3 ? 8 : 12); ++i)
        if (r.bit()) skip_scaling_list(r, i < 6 ? 16 : 64);
  }
  sps.log2_max_frame_num = static_cast<int>(r.ue()) + 4;
  sps.pic_order_cnt_type = static_cast<int>(r.ue());
  if (sps.pic_order_cnt_type == 0) {
    r.ue();  // log2_max_pic_order_cnt_lsb_minus4
  } else if (sps.pic_order_cnt_type == 1) {
    r.bit();  // delta_pic_order_always_zero_flag
    r.se();   // offset_for_non_ref_pic
    r.se();   // offset_for_top_to_bottom_field
    const std::uint32_t cycle = r.ue();
    for (std::uint32_t i = 0; i < cycle; ++i) r.se();
  }
  return sps;
}

BitReader sps_reader(std::span<const std::uint8_t> nal_unit) {
  if (nal_unit.empty() || (nal_unit[0] & 0x1F) != 7) throw std::runtime_error("not an SPS NAL unit");
  return BitReader(unescape(nal_unit.subspan(1)));
}

}  // namespace

SpsFacts parse_sps(std::span<const std::uint8_t> nal_unit) {
  BitReader r = sps_reader(nal_unit);
  SpsFacts sps = read_sps_head(r);
  sps.max_num_ref_frames = static_cast<int>(r.ue());
  r.bit();  // gaps_in_frame_num_value_allowed_flag
  sps.width_in_mbs = static_cast<int>(r.ue()) + 1;
  const int map_units = static_cast<int>(r.ue()) + 1;
  sps.frame_mbs_only = r.bit() != 0;
  sps.height_in_mbs = map_units * (sps.frame_mbs_only ? 1 : 2);
  return sps;
}

std::vector<std::uint8_t> sps_with_one_reference(std::span<const std::uint8_t> nal_unit) {
  BitReader r = sps_reader(nal_unit);
  read_sps_head(r);
  const std::size_t field_start = r.position();
  const std::uint32_t references = r.ue();
  const std::size_t field_end = r.position();
  const std::vector<std::uint8_t> rbsp = unescape(nal_unit.subspan(1));
  constexpr std::uint8_t kConstraintSet3 = 0x10;  // in the byte after profile_idc
  if (references >= 1 && (rbsp.at(1) & kConstraintSet3) == 0)
    return {nal_unit.begin(), nal_unit.end()};

  // The last 1 bit is rbsp_stop_one_bit; everything after the field up to it is copied as it
  // is, shifted by the change in the field's length.
  std::size_t stop = rbsp.size() * 8;
  while (stop > field_end && ((rbsp[(stop - 1) / 8] >> (7 - (stop - 1) % 8)) & 1) == 0) --stop;
  if (stop <= field_end) throw std::runtime_error("SPS has no stop bit");
  --stop;
  auto bit_at = [&](std::size_t i) { return static_cast<unsigned>((rbsp[i / 8] >> (7 - i % 8)) & 1); };
  BitWriter w;
  for (std::size_t i = 0; i < field_start; ++i)
    w.bit(i == 8 + 3 ? 0 : bit_at(i));  // constraint_set3_flag (the fourth flag bit) cleared
  w.ue(std::max<std::uint32_t>(references, 1));
  for (std::size_t i = field_end; i < stop; ++i) w.bit(bit_at(i));
  return nal(nal_unit[0], w.finish());
}

bool skip_pictures_supported(const SpsFacts& sps) {
  return sps.frame_mbs_only && sps.pic_order_cnt_type == 2 && sps.sps_id == 0;
}

std::vector<std::uint8_t> skip_pps_nal(const SpsFacts& sps) {
  BitWriter w;
  w.ue(kSkipPpsId);                     // pic_parameter_set_id
  w.ue(static_cast<std::uint32_t>(sps.sps_id));  // seq_parameter_set_id
  w.bit(0);                             // entropy_coding_mode_flag: CAVLC
  w.bit(0);                             // bottom_field_pic_order_in_frame_present_flag
  w.ue(0);                              // num_slice_groups_minus1
  w.ue(0);                              // num_ref_idx_l0_default_active_minus1: one reference
  w.ue(0);                              // num_ref_idx_l1_default_active_minus1
  w.bit(0);                             // weighted_pred_flag
  w.bits(0, 2);                         // weighted_bipred_idc
  w.se(0);                              // pic_init_qp_minus26
  w.se(0);                              // pic_init_qs_minus26
  w.se(0);                              // chroma_qp_index_offset
  w.bit(1);                             // deblocking_filter_control_present_flag
  w.bit(0);                             // constrained_intra_pred_flag
  w.bit(0);                             // redundant_pic_cnt_present_flag
  return nal(0x68, w.finish());         // nal_ref_idc 3, type 8 (PPS)
}

std::vector<std::uint8_t> skip_picture_nal(const SpsFacts& sps, int frame_num) {
  BitWriter w;
  w.ue(0);           // first_mb_in_slice
  w.ue(5);           // slice_type: P, and every slice of the picture is P
  w.ue(kSkipPpsId);  // pic_parameter_set_id
  w.bits(static_cast<std::uint32_t>(frame_num), sps.log2_max_frame_num);  // frame_num
  // frame_mbs_only: no field_pic_flag; not IDR: no idr_pic_id; POC type 2: no POC fields;
  // no redundant_pic_cnt.
  w.bit(0);  // num_ref_idx_active_override_flag: the PPS's one reference
  w.bit(0);  // ref_pic_list_modification_flag_l0
  // No weighted prediction. dec_ref_pic_marking (a reference picture, not IDR):
  w.bit(0);  // adaptive_ref_pic_marking_mode_flag: sliding window
  w.se(0);   // slice_qp_delta
  w.ue(1);   // disable_deblocking_filter_idc: off
  // slice_data, CAVLC: one run of skipped macroblocks covering the picture, then the end.
  w.ue(static_cast<std::uint32_t>(sps.macroblocks()));  // mb_skip_run
  return nal(0x41, w.finish());  // nal_ref_idc 2, type 1 (non-IDR slice)
}

}  // namespace pipectl::encode
