#include "image_header.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <istream>
#include <streambuf>
#include <string_view>
#include <vector>

namespace pipectl::media {

namespace {

using Bytes = std::vector<std::uint8_t>;

std::uint32_t big_endian(const std::uint8_t* p, int bytes) {
  std::uint32_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | p[i];
  return value;
}

std::uint32_t little_endian(const std::uint8_t* p, int bytes) {
  std::uint32_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

std::optional<PixelSize> png_size(const Bytes& head) {
  // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4).
  static const std::uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (head.size() < 24 || std::memcmp(head.data(), signature, 8) != 0 || std::memcmp(&head[12], "IHDR", 4) != 0)
    return std::nullopt;
  return PixelSize{big_endian(&head[16], 4), big_endian(&head[20], 4)};
}

std::optional<PixelSize> webp_size(const Bytes& head) {
  if (head.size() < 30 || std::memcmp(head.data(), "RIFF", 4) != 0 || std::memcmp(&head[8], "WEBP", 4) != 0)
    return std::nullopt;
  const std::uint8_t* chunk = &head[12];
  const std::uint8_t* data = chunk + 8;
  if (std::memcmp(chunk, "VP8X", 4) == 0)  // canvas size minus one, 24 bits each
    return PixelSize{little_endian(data + 4, 3) + 1ll, little_endian(data + 7, 3) + 1ll};
  if (std::memcmp(chunk, "VP8L", 4) == 0 && data[0] == 0x2f) {  // 14 bits each, minus one
    std::uint32_t bits = little_endian(data + 1, 4);
    return PixelSize{(bits & 0x3fff) + 1ll, ((bits >> 14) & 0x3fff) + 1ll};
  }
  if (std::memcmp(chunk, "VP8 ", 4) == 0 && data[3] == 0x9d && data[4] == 0x01 && data[5] == 0x2a)
    return PixelSize{little_endian(data + 6, 2) & 0x3fff, little_endian(data + 8, 2) & 0x3fff};
  return std::nullopt;
}

std::optional<PixelSize> jpeg_size(std::istream& in) {
  // Walk the segments after SOI until a start-of-frame marker; each segment gives its length.
  std::array<std::uint8_t, 2> marker{};
  in.seekg(2);
  while (in.read(reinterpret_cast<char*>(marker.data()), 2)) {
    if (marker[0] != 0xff) return std::nullopt;
    if (marker[1] == 0xff) {  // fill byte
      in.seekg(-1, std::ios::cur);
      continue;
    }
    std::array<std::uint8_t, 7> segment{};
    if (!in.read(reinterpret_cast<char*>(segment.data()), 2)) return std::nullopt;
    std::uint32_t length = big_endian(segment.data(), 2);
    if (length < 2) return std::nullopt;
    bool start_of_frame = marker[1] >= 0xc0 && marker[1] <= 0xcf && marker[1] != 0xc4 && marker[1] != 0xc8 &&
                          marker[1] != 0xcc;
    if (start_of_frame) {
      // precision (1), height (2), width (2)
      if (!in.read(reinterpret_cast<char*>(segment.data() + 2), 5)) return std::nullopt;
      return PixelSize{big_endian(&segment[5], 2), big_endian(&segment[3], 2)};
    }
    in.seekg(length - 2, std::ios::cur);
  }
  return std::nullopt;
}

// A read-only, seekable stream over bytes in memory, without copying them.
class MemoryBuffer : public std::streambuf {
 public:
  explicit MemoryBuffer(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());  // only ever read
    setg(begin, begin, begin + bytes.size());
  }

 protected:
  pos_type seekoff(off_type offset, std::ios_base::seekdir direction, std::ios_base::openmode) override {
    const off_type base = direction == std::ios_base::beg ? 0
                          : direction == std::ios_base::cur ? gptr() - eback()
                                                            : egptr() - eback();
    const off_type target = base + offset;
    if (target < 0 || target > egptr() - eback()) return pos_type(off_type(-1));
    setg(eback(), eback() + target, egptr());
    return pos_type(target);
  }
  pos_type seekpos(pos_type position, std::ios_base::openmode mode) override {
    return seekoff(off_type(position), std::ios_base::beg, mode);
  }
};

std::optional<PixelSize> read_pixel_size(std::istream& in) {
  Bytes head(64);
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (auto size = png_size(head)) return size;
  if (auto size = webp_size(head)) return size;
  if (head.size() >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff) {
    in.clear();
    return jpeg_size(in);
  }
  return std::nullopt;
}

}  // namespace

std::optional<PixelSize> read_pixel_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return read_pixel_size(in);
}

std::optional<PixelSize> read_pixel_size_of_bytes(std::string_view bytes) {
  MemoryBuffer buffer(bytes);
  std::istream in(&buffer);
  return read_pixel_size(in);
}

}  // namespace pipectl::media
