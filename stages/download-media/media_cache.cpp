#include "media_cache.hpp"

#include "temp_files.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace pipectl::media {

namespace fs = std::filesystem;

namespace {

std::runtime_error system_error(const std::string& what, const fs::path& path) {
  std::string message = what;
  return std::runtime_error(message.append(" ").append(path.string()).append(": ").append(std::strerror(errno)));
}

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

void write_all(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw system_error("cannot write the media cache file", path);
    bytes.remove_prefix(static_cast<size_t>(written));
  }
}

// So that the rename itself survives a power cut: the folder's entry list is on disk.
void sync_folder(const fs::path& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

MediaCache::MediaCache(fs::path folder) : folder_(std::move(folder)) {}

std::string MediaCache::key(std::string_view url) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(url.data(), url.size(), digest, &length, EVP_sha256(), nullptr) != 1 || length != 32)
    throw std::runtime_error("SHA-256 failed (OpenSSL)");
  static const char hex[] = "0123456789abcdef";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 0xf];
  }
  return text;
}

fs::path MediaCache::path_for(std::string_view url) const {
  std::string hex = key(url);
  return folder_ / hex.substr(0, 2) / hex;
}

std::optional<fs::path> MediaCache::find(std::string_view url) const {
  fs::path path = path_for(url);
  std::error_code error;
  if (fs::is_regular_file(path, error) && fs::file_size(path, error) > 0 && !error) return path;
  return std::nullopt;
}

fs::path MediaCache::store(std::string_view url, std::string_view bytes) {
  const fs::path final_path = path_for(url);
  std::error_code error;
  fs::create_directories(final_path.parent_path(), error);
  if (error)
    throw std::runtime_error(std::string("cannot create the media cache folder ")
                                 .append(final_path.parent_path().string())
                                 .append(": ")
                                 .append(error.message()));
  const fs::path temp = stages::temp_path_for(final_path);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw system_error("cannot create the media cache file", temp);
  try {
    write_all(fd, bytes, temp);
    if (::fsync(fd) != 0) throw system_error("cannot flush the media cache file", temp);
  } catch (...) {
    ::close(fd);
    fs::remove(temp, error);
    throw;
  }
  ::close(fd);
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    auto failure = system_error("cannot rename the media cache file", temp);
    fs::remove(temp, error);
    throw failure;
  }
  sync_folder(final_path.parent_path());
  return final_path;
}

std::vector<fs::path> MediaCache::remove_stale_temp_files() const {
  std::vector<fs::path> removed;
  std::error_code error;
  for (fs::directory_iterator shards(folder_, error), end; !error && shards != end; shards.increment(error)) {
    const std::string shard = shards->path().filename().string();
    if (shard.size() != 2 || !is_hex(shard) || !shards->is_directory(error)) continue;
    std::error_code inner;
    for (fs::directory_iterator entries(shards->path(), inner), stop; !inner && entries != stop;
         entries.increment(inner)) {
      const std::string name = entries->path().filename().string();
      if (name.size() < 64 || !is_hex(std::string_view(name).substr(0, 64))) continue;
      auto pid = stages::temp_file_writer(name, std::string_view(name).substr(0, 64));
      if (!pid || stages::process_runs(*pid)) continue;
      std::error_code ignored;
      if (fs::remove(entries->path(), ignored)) removed.push_back(entries->path());
    }
  }
  return removed;
}

}  // namespace pipectl::media
