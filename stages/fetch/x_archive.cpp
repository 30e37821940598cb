#include "x_archive.hpp"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "json_reader.hpp"
#include "legacy_tweet.hpp"
#include "text_repair.hpp"
#include "username.hpp"

namespace pipectl::fetch {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// "window.YTD.tweets.part0 = [...]": one JSON value behind a JavaScript assignment. The
// assignment becomes spaces, so that JSON errors point at the file's own lines and columns.
json::value parse_archive_js(std::string text, const std::string& file) {
  size_t start = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // a byte-order mark
  size_t equals = text.find('=', start);
  if (text.compare(start, 7, "window.") != 0 || equals == std::string::npos ||
      text.find('\n', start) < equals)
    throw DocumentError(file + ":1:1: expected 'window.YTD.<name>.part0 = ...', the start of an X archive data file");
  std::fill(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(equals) + 1, ' ');
  // JavaScript allows a closing semicolon; JSON does not.
  size_t last = text.find_last_not_of(" \t\r\n");
  if (last != std::string::npos && text[last] == ';') text[last] = ' ';
  return parse_json(text, file);
}

// The first entry's object under `key`: [{"account": {...}}] gives {...}.
const json::object& first_entry(const json::value& document, const char* key) {
  if (!document.is_array() || document.get_array().empty())
    throw FieldError(std::string("expected [{\"") + key + "\": {...}}], not " +
                     (document.is_array() ? "an empty array" : kind_name(document.kind())));
  const json::object& entry = as_object(document.get_array()[0], "the first entry");
  const json::object* object = optional_object(entry, key);
  if (!object) throw FieldError(std::string("missing field '") + key + "'");
  return *object;
}

struct Account {
  items::Author user;
  std::string file;  // where it was read, for messages
};

// account.js names the account; manifest.js repeats it (userInfo), for archives without it.
Account read_account(const fs::path& data) {
  Account account;
  fs::path account_js = data / "account.js";
  fs::path manifest_js = data / "manifest.js";
  bool from_manifest = !fs::exists(account_js) && fs::exists(manifest_js);
  account.file = (from_manifest ? manifest_js : account_js).string();
  if (!fs::exists(account.file))
    throw DocumentError(account.file + ": cannot read the file (nor " + manifest_js.string() +
                        "); archive= must name the unzipped archive's root, the folder holding data/");
  json::value document = parse_archive_js(read_file(account.file), account.file);
  try {
    items::Author& user = account.user;
    if (from_manifest) {
      const json::object* info = document.is_object() ? optional_object(document.get_object(), "userInfo") : nullptr;
      if (!info) throw FieldError("no 'userInfo' object");
      user.id = required_string(*info, "accountId");
      user.username = required_string(*info, "userName");
      user.name = optional_string(*info, "displayName");
    } else {
      const json::object& object = first_entry(document, "account");
      user.id = required_string(object, "accountId");
      user.username = required_string(object, "username");
      user.name = optional_string(object, "accountDisplayName");
    }
    if (user.name.empty()) user.name = user.username;
  } catch (const FieldError& error) {
    throw DocumentError(account.file + ": " + error.what());
  }
  return account;
}

std::string file_url(const fs::path& path) { return "file://" + fs::weakly_canonical(path).string(); }

// The archive keeps a copy of each picture as <folder>/<owner id>-<file name in the URL>.
std::string prefer_local_copy(const std::string& url, const fs::path& folder, const std::string& owner_id) {
  std::string name = url.substr(0, url.find_first_of("?#"));
  name = name.substr(name.find_last_of('/') + 1);
  if (name.empty() || owner_id.empty()) return url;
  fs::path local = folder / (owner_id + "-" + name);
  std::error_code error;
  return fs::is_regular_file(local, error) ? file_url(local) : url;
}

void read_avatar(const fs::path& data, items::Author& user, const Warn& warn) {
  fs::path profile_js = data / "profile.js";
  if (!fs::exists(profile_js)) return;
  std::string file = profile_js.string();
  try {
    json::value document = parse_archive_js(read_file(file), file);
    std::string url = optional_string(first_entry(document, "profile"), "avatarMediaUrl");
    if (!url.empty()) user.avatar_url = prefer_local_copy(url, data / "profile_media", user.id);
  } catch (const FieldError& error) {
    warn(problem::no_avatar, file + ": " + error.what() + " (no avatar)");
  } catch (const DocumentError& error) {
    warn(problem::no_avatar, std::string(error.what()) + " (no avatar)");
  }
}

// tweets.js, tweets-part1.js, ... (tweet.js and tweet-part1.js in older archives).
std::vector<fs::path> tweet_files(const fs::path& data) {
  static const std::regex name(R"(tweets?(-part[0-9]+)?\.js)");
  std::vector<fs::path> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(data, error))
    if (std::regex_match(entry.path().filename().string(), name)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw DocumentError((data / "tweets.js").string() + ": cannot read the file (no tweets.js or tweet.js in " +
                        data.string() + ")");
  return files;
}

void read_tweets(const std::string& file, const fs::path& media_folder, StoredDay& day, const Warn& warn) {
  json::value document = parse_archive_js(read_file(file), file);
  if (!document.is_array())
    throw DocumentError(file + ": expected an array of tweets, not " + kind_name(document.kind()));
  json::array& tweets = document.get_array();
  for (size_t i = 0; i < tweets.size(); ++i) {
    std::string name = "entry " + std::to_string(i);
    PostProblems problems;
    if (int replaced = repair_strings(tweets[i]))
      problems.add(problem::invalid_text, std::to_string(replaced) + " invalid characters (lone UTF-16 surrogates or bytes "
                                          "that are not UTF-8)");
    try {
      const json::object& entry = as_object(tweets[i], name);
      const json::value* wrapped = entry.if_contains("tweet");
      const json::object& tweet = wrapped ? as_object(*wrapped, "field 'tweet'") : entry;
      if (const json::value* id = tweet.if_contains("id_str"); id && id->is_string())
        name = "tweet " + std::string(id->get_string());
      items::Post post = parse_legacy_tweet(tweet, day.user, file, problems);
      for (auto& media : post.media) media.url = prefer_local_copy(media.url, media_folder, post.id);
      day.posts.push_back(std::move(post));
    } catch (const FieldError& error) {
      warn(problem::post_skipped, file + ": " + name + ": " + error.what() + " (post skipped)");
      continue;
    }
    std::vector<Problem> found;
    problems.report(file + ": " + name, found);
    for (const auto& each : found) report(warn, each);
  }
}

}  // namespace

StoredDay read_x_archive(const std::string& archive_dir, const std::string& handle, const Warn& warn) {
  fs::path data = fs::path(archive_dir) / "data";
  if (!fs::is_directory(data))
    throw std::runtime_error(data.string() +
                             ": no such folder; archive= must name the unzipped archive's root, the folder holding data/");
  StoredDay day;
  Account account = read_account(data);
  if (!same_username(account.user.username, handle))
    throw std::runtime_error(account.file + ": this archive is @" + account.user.username + "'s, not @" + handle +
                             "'s");
  day.user = account.user;
  read_avatar(data, day.user, warn);
  for (const auto& file : tweet_files(data)) read_tweets(file.string(), data / "tweets_media", day, warn);
  return day;
}

}  // namespace pipectl::fetch
