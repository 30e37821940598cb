// Finds the stored handles and their ids, and maps tokens and media paths to files safely.
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

// data.id of a user.json, when it is a user and not an error payload.
std::optional<std::string> stored_user_id(const fs::path& user_file) {
  auto text = read_whole_file(user_file);
  if (!text) return std::nullopt;
  json::error_code error;
  json::value value = json::parse(*text, error);
  if (error || !value.is_object()) return std::nullopt;
  const json::value* data = value.get_object().if_contains("data");
  if (!data || !data->is_object()) return std::nullopt;
  const json::value* id = data->get_object().if_contains("id");
  if (!id || !id->is_string()) return std::nullopt;
  return std::string(id->get_string());
}

// Page tokens are opaque to clients but name files here: letters, digits, '-' and '_' only.
bool is_safe_token(std::string_view token) {
  return !token.empty() && token.size() < 200 && std::all_of(token.begin(), token.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
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
    std::vector<fs::path> folders;
    for (const auto& entry : fs::directory_iterator(root))
      if (entry.is_directory() && fs::is_regular_file(entry.path() / "user.json")) folders.push_back(entry.path());
    std::sort(folders.begin(), folders.end());
    for (const auto& folder : folders) {
      std::string name = folder.filename().string();
      std::string key = lower_case(name);
      if (handles_.count(key)) continue;  // an earlier dataset has it
      StoredHandle handle{name, fs::canonical(root), stored_user_id(folder / "user.json")};
      if (handle.user_id) ids_.emplace(*handle.user_id, key);
      handles_.emplace(key, std::move(handle));
    }
  }
}

const StoredHandle* Dataset::by_username(std::string_view username) const {
  auto found = handles_.find(lower_case(username));
  return found == handles_.end() ? nullptr : &found->second;
}

const StoredHandle* Dataset::by_user_id(std::string_view id) const {
  auto found = ids_.find(std::string(id));
  return found == ids_.end() ? nullptr : by_username(found->second);
}

std::optional<std::string> read_whole_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(text).str();
}

std::optional<fs::path> page_file(const StoredHandle& handle, std::string_view token) {
  if (!is_safe_token(token)) return std::nullopt;
  fs::path file = handle.root / handle.name / "pages" / std::string(token).append(".json");
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
