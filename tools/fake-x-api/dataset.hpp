// The stored datasets fake-x-api serves: which handles exist, their user ids, and where their
// files are. Handles and ids are read once at start; the files themselves on every request, so
// a test may change a page between two requests.
//   <root>/<handle>/user.json          GET /2/users/by/username/:username
//   <root>/<handle>/pages/page-1.json  GET /2/users/:id/tweets, first page
//   <root>/<handle>/pages/<T>.json     the page that pagination_token T names
//   <root>/media/...                   files that relative media URLs ("media/x.jpg") name
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fake_x_api {

struct StoredHandle {
  std::string name;                       // the folder's name, as stored
  std::filesystem::path root;             // the dataset it belongs to
  std::optional<std::string> user_id;     // user.json data.id; none for an error payload
};

class Dataset {
 public:
  // Throws std::runtime_error when a root is not a folder.
  explicit Dataset(const std::vector<std::filesystem::path>& roots);

  // The API matches usernames without regard to case, and so does this.
  const StoredHandle* by_username(std::string_view username) const;
  const StoredHandle* by_user_id(std::string_view id) const;
  std::size_t size() const { return handles_.size(); }

 private:
  std::map<std::string, StoredHandle> handles_;  // by lower-case name
  std::map<std::string, std::string> ids_;       // user id -> lower-case name
};

// The whole file, or nullopt when it cannot be read.
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

// The file of `handle`'s page `token` ("page-1" for the first), or nullopt when the token
// cannot name a stored page (unsafe characters, no such file).
std::optional<std::filesystem::path> page_file(const StoredHandle& handle, std::string_view token);

// The file under <root>/media/ that `relative` (percent-decoded, "/"-separated) names, or
// nullopt when it leaves that folder or is not a regular file.
std::optional<std::filesystem::path> media_file(const StoredHandle& handle, std::string_view relative);

std::string lower_case(std::string_view text);

}  // namespace fake_x_api
