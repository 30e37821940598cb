#include "media_cache.hpp"

#include "pipectl/temp_files.hpp"
#include "pipectl/write_errors.hpp"

#include <fcntl.h>
#include <sys/stat.h>
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

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// "cannot write the media cache file <path>: no space left on device (the disk is full)".
std::runtime_error system_error(const std::string& what, const fs::path& path, int error_number = errno) {
  std::string message = what;
  return std::runtime_error(
      message.append(" ").append(path.string()).append(": ").append(pipectl::write_error_text(error_number)));
}

// Cache entries are named by 64 hex digits; anything else in the folder (temporary files) is not one.
bool is_entry_name(const std::string& name) { return name.size() == 64 && is_hex(name); }

struct Entry {
  fs::path path;
  std::uint64_t bytes = 0;
  struct timespec used {};
};

// Every entry in the folder with its size and last use. Entries removed while the folder is read
// (by another process) are simply not there.
std::vector<Entry> list_entries(const fs::path& folder) {
  std::vector<Entry> entries;
  std::error_code error;
  for (fs::directory_iterator shards(folder, error), end; !error && shards != end; shards.increment(error)) {
    const std::string shard = shards->path().filename().string();
    if (shard.size() != 2 || !is_hex(shard)) continue;
    std::error_code inner;
    for (fs::directory_iterator files(shards->path(), inner), stop; !inner && files != stop; files.increment(inner)) {
      if (!is_entry_name(files->path().filename().string())) continue;
      struct stat status {};
      if (::stat(files->path().c_str(), &status) != 0 || !S_ISREG(status.st_mode)) continue;
      entries.push_back(Entry{files->path(), static_cast<std::uint64_t>(status.st_size), status.st_mtim});
    }
  }
  return entries;
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

MediaCache::MediaCache(fs::path folder, std::uint64_t max_bytes)
    : folder_(std::move(folder)), max_bytes_(max_bytes) {}

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

std::optional<std::string> MediaCache::read(std::string_view url) {
  const fs::path path = path_for(url);
  // Opened before anything else: once open, another process removing the entry cannot take
  // the bytes away; before, its removal is a miss like any other.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) || status.st_size <= 0) return std::nullopt;
  std::string bytes(static_cast<std::size_t>(status.st_size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (done != bytes.size()) return std::nullopt;  // cut short or unreadable: fetched again
  // Used now: the last to be evicted. Failing to mark it only makes it older than it is.
  const struct timespec times[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
  ::futimens(fd, times);
  return bytes;
}

fs::path MediaCache::store(std::string_view url, std::string_view bytes) {
  const fs::path final_path = path_for(url);
  std::error_code error;
  fs::create_directories(final_path.parent_path(), error);
  if (error)
    throw std::runtime_error(std::string("cannot create the media cache folder ")
                                 .append(final_path.parent_path().string())
                                 .append(": ")
                                 .append(pipectl::write_error_text(error.value())));
  const fs::path temp = pipectl::temp_path_for(final_path);
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
  // Some filesystems (NFS) report a full disk only when the file is closed.
  if (::close(fd) != 0) {
    auto failure = system_error("cannot write the media cache file", temp);
    fs::remove(temp, error);
    throw failure;
  }
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    auto failure = system_error("cannot rename the media cache file", temp);
    fs::remove(temp, error);
    throw failure;
  }
  sync_folder(final_path.parent_path());
  if (max_bytes_ > 0) {
    bool should_trim = false;
    {
      std::lock_guard lock(mutex_);
      stored_since_ += bytes.size();
      should_trim = !looked_ || seen_bytes_ + stored_since_ > max_bytes_ || stored_since_ > max_bytes_ / 16;
    }
    if (should_trim) trim(final_path);
  }
  return final_path;
}

std::vector<fs::path> MediaCache::trim(const fs::path& keep) {
  std::lock_guard lock(mutex_);
  std::vector<Entry> entries = list_entries(folder_);
  std::uint64_t total = 0;
  for (const auto& entry : entries) total += entry.bytes;
  std::vector<fs::path> removed;
  if (max_bytes_ > 0 && total > max_bytes_) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      if (a.used.tv_sec != b.used.tv_sec) return a.used.tv_sec < b.used.tv_sec;
      if (a.used.tv_nsec != b.used.tv_nsec) return a.used.tv_nsec < b.used.tv_nsec;
      return a.path < b.path;
    });
    for (const auto& entry : entries) {
      if (total <= max_bytes_) break;
      if (entry.path == keep) continue;
      std::error_code ignored;
      // Gone already (another process trims too) counts as removed: its bytes are not there.
      if (fs::remove(entry.path, ignored) || !fs::exists(entry.path, ignored)) {
        total -= entry.bytes;
        removed.push_back(entry.path);
      }
    }
  }
  seen_bytes_ = total;
  stored_since_ = 0;
  looked_ = true;
  return removed;
}

std::uint64_t MediaCache::bytes_on_disk() const {
  std::uint64_t total = 0;
  for (const auto& entry : list_entries(folder_)) total += entry.bytes;
  return total;
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
      auto pid = pipectl::temp_file_writer(name, std::string_view(name).substr(0, 64));
      if (!pid || pipectl::process_runs(*pid)) continue;
      std::error_code ignored;
      if (fs::remove(entries->path(), ignored)) removed.push_back(entries->path());
    }
  }
  return removed;
}

}  // namespace pipectl::media
