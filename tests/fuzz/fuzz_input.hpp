// What the targets share: the input as text, cut into parts, and a scratch folder of the process
// for the readers that need files.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace pipectl::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::string_view() : std::string_view(reinterpret_cast<const char*>(data), size);
}

// The parts of `text` between `separator`s (a NUL byte by default): the way a target takes
// several values (a graph and its --set options, a text and its entities) from one input.
inline std::vector<std::string_view> split(std::string_view text, std::string_view separator = std::string_view("\0", 1)) {
  std::vector<std::string_view> parts;
  for (;;) {
    std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + separator.size());
  }
}

// /tmp/pipectl-fuzz-<target>-<pid>: fixed for the process, made at the first call, removed at
// exit. Each input is written over the previous one.
class ScratchFolder {
 public:
  explicit ScratchFolder(const std::string& target)
      : path_(std::filesystem::temp_directory_path() / ("pipectl-fuzz-" + target + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `bytes` to `name` under the folder (replacing it) and returns its path.
  std::filesystem::path write(const std::string& name, std::string_view bytes) const {
    std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return file;
  }

 private:
  std::filesystem::path path_;
};

// A little-endian number from the next bytes of `bytes` (fewer at its end), which it consumes.
template <class Number>
Number take(std::string_view& bytes) {
  unsigned char raw[sizeof(Number)] = {};
  const std::size_t n = std::min(sizeof(Number), bytes.size());
  std::memcpy(raw, bytes.data(), n);
  bytes.remove_prefix(n);
  Number value;
  std::memcpy(&value, raw, sizeof(Number));
  return value;
}

}  // namespace pipectl::fuzz
