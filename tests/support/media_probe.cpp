#include "media_probe.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <stdexcept>

#include <boost/json.hpp>

#include "paths.hpp"

namespace pipectl::test {

namespace json = boost::json;

namespace {

std::string string_field(const json::object& object, const char* key) {
  const json::value* value = object.if_contains(key);
  if (!value || !value->is_string()) return {};
  return std::string(value->as_string());
}

// ffprobe writes most numbers as strings ("3.000000", "90"), sizes as numbers.
double number_field(const json::object& object, const char* key, double fallback = 0) {
  const json::value* value = object.if_contains(key);
  if (!value) return fallback;
  if (value->is_number()) return value->to_number<double>();
  if (value->is_string()) {
    const std::string text(value->as_string());
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (end != text.c_str()) return number;
  }
  return fallback;
}

double rational_field(const json::object& object, const char* key) {
  const std::string text = string_field(object, key);
  const auto slash = text.find('/');
  if (slash == std::string::npos) return number_field(object, key);
  const double num = std::strtod(text.substr(0, slash).c_str(), nullptr);
  const double den = std::strtod(text.substr(slash + 1).c_str(), nullptr);
  return den != 0 ? num / den : 0;
}

std::uint64_t read_be(std::istream& in, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    const int c = in.get();
    if (c == EOF) throw std::runtime_error("truncated MP4 box header");
    value = (value << 8) | static_cast<std::uint8_t>(c);
  }
  return value;
}

// A file name under the temp folder that no other test process uses.
std::filesystem::path scratch_file(const std::string& suffix) {
  std::random_device random;
  return std::filesystem::temp_directory_path() /
         ("pipectl-probe-" + std::to_string(random()) + "-" + std::to_string(random()) + suffix);
}

// Runs `ffmpeg -nostdin -v error <arguments> -y RAW` and returns RAW's bytes (into a file
// rather than a pipe: run_command mixes stderr into what it captures). Throws
// std::runtime_error, saying `what`, when ffmpeg fails or writes fewer than `expected` bytes.
std::vector<std::uint8_t> ffmpeg_raw(const std::string& arguments, std::size_t expected,
                                     const std::string& what) {
  const std::filesystem::path raw = scratch_file(".yuv");
  const CommandResult result =
      run_command("ffmpeg -nostdin -v error " + arguments + " -y " + shell_quote(raw.string()));
  std::vector<std::uint8_t> bytes;
  {
    std::ifstream in(raw, std::ios::binary);
    if (in) bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::error_code ignored;
  std::filesystem::remove(raw, ignored);
  if (result.exit_code != 0) throw std::runtime_error("ffmpeg could not " + what + ": " + result.output);
  if (bytes.size() < expected)
    throw std::runtime_error("ffmpeg returned " + std::to_string(bytes.size()) + " bytes to " + what +
                             ", expected " + std::to_string(expected));
  bytes.resize(expected);
  return bytes;
}

}  // namespace

VideoProbe probe_video(const std::filesystem::path& file) {
  const CommandResult result =
      run_command("ffprobe -v error -count_frames -show_streams -show_format -of json " +
                  shell_quote(file.string()));
  if (result.exit_code != 0)
    throw std::runtime_error("ffprobe failed on " + file.string() + ": " + result.output);
  json::value root;
  try {
    root = json::parse(result.output);
  } catch (const std::exception& error) {
    // Messages on stderr land in the same capture and break the JSON: show them.
    throw std::runtime_error("ffprobe output for " + file.string() + " is not JSON (" +
                             error.what() + "): " + result.output);
  }
  const json::object* video = nullptr;
  if (const json::value* streams = root.as_object().if_contains("streams")) {
    for (const json::value& stream : streams->as_array()) {
      if (string_field(stream.as_object(), "codec_type") == "video") {
        video = &stream.as_object();
        break;
      }
    }
  }
  if (!video) throw std::runtime_error("ffprobe finds no video stream in " + file.string());

  VideoProbe probe;
  probe.codec = string_field(*video, "codec_name");
  probe.pix_fmt = string_field(*video, "pix_fmt");
  probe.profile = string_field(*video, "profile");
  probe.width = static_cast<int>(number_field(*video, "width"));
  probe.height = static_cast<int>(number_field(*video, "height"));
  probe.frames = static_cast<long>(number_field(*video, "nb_read_frames"));
  double format_duration = 0;
  if (const json::value* format = root.as_object().if_contains("format"))
    format_duration = number_field(format->as_object(), "duration");
  probe.duration = number_field(*video, "duration", format_duration);
  probe.fps = rational_field(*video, "avg_frame_rate");
  probe.start_time = number_field(*video, "start_time");
  probe.color_space = string_field(*video, "color_space");
  probe.color_range = string_field(*video, "color_range");
  probe.moov_before_mdat = moov_before_mdat(file);
  return probe;
}

bool moov_before_mdat(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  const auto file_size = std::filesystem::file_size(file);
  std::uint64_t offset = 0;
  // Top-level boxes: 32-bit size and type; size 1 = a 64-bit size follows, 0 = to the end.
  while (offset + 8 <= file_size) {
    in.seekg(static_cast<std::streamoff>(offset));
    std::uint64_t size = read_be(in, 4);
    std::string type(4, '\0');
    if (!in.read(type.data(), 4)) break;
    std::uint64_t header = 8;
    if (size == 1) {
      size = read_be(in, 8);
      header = 16;
    } else if (size == 0) {
      size = file_size - offset;
    }
    if (type == "moov") return true;
    if (type == "mdat") return false;
    if (size < header) throw std::runtime_error("corrupt MP4 box '" + type + "' in " + file.string());
    offset += size;
  }
  throw std::runtime_error(file.string() + " has neither a moov nor an mdat box");
}

std::vector<std::uint8_t> decode_luma_at(const std::filesystem::path& file, double seconds,
                                         int width, int height) {
  // -ss after -i: ffmpeg decodes from the start and drops pictures before `seconds`, so the
  // picture returned is exactly the one shown then (not the keyframe before it). yuv420p out,
  // the file's own format, so no conversion touches the luma; its first plane is Y.
  char time[64];
  std::snprintf(time, sizeof time, "%.6f", seconds);
  const auto luma = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  return ffmpeg_raw("-i " + shell_quote(file.string()) + " -ss " + time +
                        " -frames:v 1 -f rawvideo -pix_fmt yuv420p",
                    luma,
                    "decode " + file.string() + " at " + time + " s (a " + std::to_string(width) +
                        "x" + std::to_string(height) + " picture)");
}

std::vector<std::uint8_t> i420_of_picture(const std::filesystem::path& picture, int width, int height) {
  const auto luma = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  return ffmpeg_raw("-i " + shell_quote(picture.string()) +
                        " -vf scale=out_color_matrix=bt709:out_range=tv:flags=area+accurate_rnd+"
                        "full_chroma_inp -frames:v 1 -f rawvideo -pix_fmt yuv420p",
                    luma + 2 * (luma / 4), "convert " + picture.string() + " to I420");
}

double psnr(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  if (a.size() != b.size() || a.empty())
    throw std::invalid_argument("psnr: planes of " + std::to_string(a.size()) + " and " +
                                std::to_string(b.size()) + " samples");
  double squared = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    squared += d * d;
  }
  if (squared == 0) return std::numeric_limits<double>::infinity();
  const double mse = squared / static_cast<double>(a.size());
  return 10.0 * std::log10(255.0 * 255.0 / mse);
}

std::string decode_errors(const std::filesystem::path& file) {
  const CommandResult result =
      run_command("ffmpeg -nostdin -v error -i " + shell_quote(file.string()) + " -f null -");
  if (result.exit_code != 0 && result.output.empty())
    return "ffmpeg exited with code " + std::to_string(result.exit_code);
  return result.output;
}

}  // namespace pipectl::test
