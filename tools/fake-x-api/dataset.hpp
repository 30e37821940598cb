// The stored datasets fake-x-api serves: which handles exist, of which network, their ids,
// and where their files are. A handle folder's network is told by its account file:
//   X         <root>/<handle>/user.json      GET /2/users/by/username/:username
//             <root>/<handle>/pages/page-1.json, pages/<next_token>.json
//   Bluesky   <root>/<handle>/profile.json   GET /xrpc/app.bsky.actor.getProfile
//             <root>/<handle>/feed/page-1.json, feed/<cursor>.json
//   Mastodon  <root>/<user@instance>/account.json   GET /api/v1/accounts/lookup
//             <root>/<user@instance>/statuses/page-1.json, statuses/<max_id>.json
//   any       <root>/media/...               files that relative media URLs ("media/x.jpg") name
// Handles and ids are read once at start; the files themselves on every request, so a test may
// change a page between two requests.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "endpoint.hpp"

namespace fake_x_api {

struct StoredHandle {
  std::string name;                 // the folder's name, as stored
  std::filesystem::path root;       // the dataset it belongs to
  Network network = Network::x;
  // X: user.json's data.id; Bluesky: profile.json's did; Mastodon: account.json's id. None when
  // the stored account is an error payload (a suspended or taken-down account).
  std::optional<std::string> id;
};

class Dataset {
 public:
  // Throws std::runtime_error when a root is not a folder.
  explicit Dataset(const std::vector<std::filesystem::path>& roots);

  // A handle by its folder name, without regard to case (as the networks match names), of
  // `network` only or of any.
  const StoredHandle* find(Network network, std::string_view name) const;
  const StoredHandle* find_any(std::string_view name) const;
  // A handle by its id (X user id, Bluesky DID, Mastodon account id), of `network`.
  const StoredHandle* find_by_id(Network network, std::string_view id) const;
  // Mastodon's acct: "user@instance" (the folder's name), or "user" alone (the first folder,
  // in name order, whose local part it is).
  const StoredHandle* find_mastodon_acct(std::string_view acct) const;
  std::size_t size() const { return handles_.size(); }

 private:
  std::map<std::string, StoredHandle> handles_;                    // by lower-case name
  std::map<std::pair<Network, std::string>, std::string> ids_;    // (network, id) -> lower-case name
  std::map<std::string, std::string> mastodon_local_names_;        // lower-case "user" -> lower-case name
};

// The whole file, or nullopt when it cannot be read.
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

// The handle's account file: user.json, profile.json or account.json.
std::filesystem::path account_file(const StoredHandle& handle);

// The file of `handle`'s page `token` ("page-1" for the first: pages/, feed/ or statuses/ by
// network), or nullopt when the token cannot name a stored page (unsafe characters, no file).
std::optional<std::filesystem::path> page_file(const StoredHandle& handle, std::string_view token);

// Page tokens are opaque to clients but name files here: letters, digits, '-', '_', '.' and
// ':' (Bluesky's cursors are times), not starting with '.'.
bool is_safe_token(std::string_view token);

// The file under <root>/media/ that `relative` (percent-decoded, "/"-separated) names, or
// nullopt when it leaves that folder or is not a regular file.
std::optional<std::filesystem::path> media_file(const StoredHandle& handle, std::string_view relative);

std::string lower_case(std::string_view text);

}  // namespace fake_x_api
