#include "png_file.hpp"

#include <png.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "pipectl/temp_files.hpp"

namespace pipectl::render {

namespace {

// Larger pictures are refused before their pixels are allocated: no card, golden or contact
// sheet comes near (a 16384 x 16384 sheet is 1 GiB of RGBA).
constexpr std::uint64_t kMaxPixels = std::uint64_t{1} << 28;

struct FileCloser {
  void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};

std::runtime_error file_error(const std::filesystem::path& path, const std::string& what) {
  return std::runtime_error(path.string() + ": " + what);
}

}  // namespace

void write_png(const std::filesystem::path& path, int width, int height,
               const std::vector<std::uint8_t>& rgba) {
  if (width <= 0 || height <= 0 ||
      rgba.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4)
    throw file_error(path, "cannot write a PNG of " + std::to_string(width) + "x" +
                               std::to_string(height) + " from " + std::to_string(rgba.size()) +
                               " bytes of RGBA");
  const std::filesystem::path temp = pipectl::temp_path_for(path, ".png");
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(temp.c_str(), "wb"));
  if (!file)
    throw file_error(path, std::string("cannot create the file: ") + std::strerror(errno));

  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = PNG_FORMAT_RGBA;
  const bool written = png_image_write_to_stdio(&image, file.get(), 0, rgba.data(), 0, nullptr) != 0;
  const std::string message = image.message;
  png_image_free(&image);
  std::string failure = written ? "" : (message.empty() ? "libpng failed" : message);
  if (written && std::fflush(file.get()) != 0) failure = std::strerror(errno);
  if (std::fclose(file.release()) != 0 && failure.empty()) failure = std::strerror(errno);
  if (!failure.empty()) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw file_error(path, "cannot write the PNG: " + failure);
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw file_error(path, "cannot rename the finished PNG onto it: " + error.message());
  }
}

items::Image read_png(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw file_error(path, std::string("cannot open: ") + std::strerror(errno));
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_stdio(&image, file.get()) == 0) {
    const std::string message = image.message;
    png_image_free(&image);
    throw file_error(path, "not a readable PNG: " + message);
  }
  if (std::uint64_t{image.width} * image.height > kMaxPixels) {
    png_image_free(&image);
    throw file_error(path, "the PNG is too large (" + std::to_string(image.width) + "x" +
                               std::to_string(image.height) + ")");
  }
  image.format = PNG_FORMAT_RGBA;
  items::Image out;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.rgba.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, out.rgba.data(), 0, nullptr) == 0) {
    const std::string message = image.message;
    png_image_free(&image);
    throw file_error(path, "cannot decode the PNG: " + message);
  }
  return out;
}

}  // namespace pipectl::render
