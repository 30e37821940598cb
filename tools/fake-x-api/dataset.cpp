// Finds the stored handles, their networks and ids, and maps tokens and media paths to files
// safely.
#include "dataset.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fake_x_api {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct NetworkFiles {
  Network network;
  const char* account;  // the file that makes a folder a handle of this network
  const char* pages;    // the folder of its pages
};
// In this order: a folder with two account files is of the first network.
constexpr NetworkFiles network_files[] = {
    {Network::x, "user.json", "pages"},
    {Network::bluesky, "profile.json", "feed"},
    {Network::mastodon, "account.json", "statuses"},
};

const NetworkFiles& files_of(Network network) {
  for (const auto& files : network_files)
    if (files.network == network) return files;
  return network_files[0];
}

const json::value* member(const json::value& value, std::string_view key) {
  return value.is_object() ? value.get_object().if_contains(key) : nullptr;
}

// The account's id: X's data.id, Bluesky's did, Mastodon's id; nullopt for an error payload.
std::optional<std::string> stored_id(Network network, const fs::path& file) {
  auto text = read_whole_file(file);
  if (!text) return std::nullopt;
  json::error_code error;
  json::value document = json::parse(*text, error);
  if (error) return std::nullopt;
  const json::value* id = network == Network::x         ? member(document, "data")
                          : network == Network::bluesky ? member(document, "did")
                                                        : member(document, "id");
  if (id && network == Network::x) id = member(*id, "id");
  if (!id || !id->is_string()) return std::nullopt;
  return std::string(id->get_string());
}

}  // namespace

std::string lower_case(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

Dataset::Dataset(const std::vector<fs::path>& roots) {
  for (const auto& root : roots) {
    if (!fs::is_directory(root)) throw std::runtime_error(std::string("no dataset folder at ").append(root.string()));
    std::vector<std::pair<fs::path, Network>> folders;
    for (const auto& entry : fs::directory_iterator(root)) {
      if (!entry.is_directory()) continue;
      for (const auto& files : network_files) {
        if (fs::is_regular_file(entry.path() / files.account)) {
          folders.emplace_back(entry.path(), files.network);
          break;
        }
      }
    }
    std::sort(folders.begin(), folders.end());
    for (const auto& [folder, network] : folders) {
      std::string name = folder.filename().string();
      std::string key = lower_case(name);
      if (handles_.count(key)) continue;  // an earlier dataset has it
      StoredHandle handle{name, fs::canonical(root), network, stored_id(network, folder / files_of(network).account)};
      if (handle.id) ids_.emplace(std::pair(network, *handle.id), key);
      if (network == Network::mastodon) mastodon_local_names_.emplace(key.substr(0, key.find('@')), key);
      handles_.emplace(key, std::move(handle));
    }
  }
}

const StoredHandle* Dataset::find_any(std::string_view name) const {
  auto found = handles_.find(lower_case(name));
  return found == handles_.end() ? nullptr : &found->second;
}

const StoredHandle* Dataset::find(Network network, std::string_view name) const {
  const StoredHandle* handle = find_any(name);
  return handle && handle->network == network ? handle : nullptr;
}

const StoredHandle* Dataset::find_by_id(Network network, std::string_view id) const {
  auto found = ids_.find(std::pair(network, std::string(id)));
  return found == ids_.end() ? nullptr : find_any(found->second);
}

const StoredHandle* Dataset::find_mastodon_acct(std::string_view acct) const {
  if (acct.find('@') != std::string_view::npos) return find(Network::mastodon, acct);
  auto found = mastodon_local_names_.find(lower_case(acct));
  return found == mastodon_local_names_.end() ? nullptr : find_any(found->second);
}

std::optional<std::string> read_whole_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(text).str();
}

fs::path account_file(const StoredHandle& handle) { return handle.root / handle.name / files_of(handle.network).account; }

bool is_safe_token(std::string_view token) {
  return !token.empty() && token.size() < 200 && token.front() != '.' &&
         std::all_of(token.begin(), token.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':';
         });
}

std::optional<fs::path> page_file(const StoredHandle& handle, std::string_view token) {
  if (!is_safe_token(token)) return std::nullopt;
  fs::path file = handle.root / handle.name / files_of(handle.network).pages / std::string(token).append(".json");
  if (!fs::is_regular_file(file)) return std::nullopt;
  return file;
}

std::optional<fs::path> media_file(const StoredHandle& handle, std::string_view relative) {
  fs::path folder = handle.root / "media";
  std::error_code error;
  fs::path file = fs::weakly_canonical(folder / fs::path(std::string(relative)).relative_path(), error);
  if (error) return std::nullopt;
  // The canonical path must still lie inside media/: no "..", no symbolic link out of it.
  fs::path canonical_folder = fs::weakly_canonical(folder, error);
  if (error) return std::nullopt;
  auto [folder_end, file_at] = std::mismatch(canonical_folder.begin(), canonical_folder.end(), file.begin(), file.end());
  if (folder_end != canonical_folder.end() || file_at == file.end()) return std::nullopt;
  if (!fs::is_regular_file(file, error)) return std::nullopt;
  return file;
}

}  // namespace fake_x_api
