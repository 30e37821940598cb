#include "stored_pages.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "dataset_urls.hpp"
#include "stored_page_names.hpp"
#include "timeline_page.hpp"

namespace pipectl::fetch {

namespace fs = std::filesystem;

namespace {

std::string known_handles(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error))
    if (entry.is_directory() && (fs::exists(entry.path() / "user.json") || fs::exists(entry.path() / "profile.json") ||
                                 fs::exists(entry.path() / "account.json")))
      names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  return list.empty() ? "none" : list;
}

// ", N posts by its meta.result_count" when the broken page still says how many it held.
std::string posts_held(const fs::path& page_file) {
  std::ifstream in(page_file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto count = result_count_in(text);
  return count ? ", " + std::to_string(*count) + " by its meta.result_count" : "";
}

}  // namespace

StoredDay read_stored_pages(const std::string& dir, const std::string& handle, const Warn& warn) {
  fs::path root(dir);
  fs::path folder = root / handle;
  if (!fs::is_directory(folder) || !fs::exists(folder / "user.json"))
    throw std::runtime_error("unknown handle '" + handle + "': no stored posts in " + folder.string() +
                             " (stored handles: " + known_handles(root) + ")");

  StoredDay day;
  std::string user_file = (folder / "user.json").string();
  day.user = parse_user_response(read_file(user_file), user_file);
  day.user.avatar_url = resolve_dataset_url(day.user.avatar_url, root);

  std::set<std::string> seen;
  std::string token = "page-1";
  while (true) {
    fs::path page_file = folder / "pages" / (token + ".json");
    bool first = seen.empty();
    seen.insert(token);
    TimelinePage page;
    try {
      page = parse_timeline_page(read_file(page_file.string()), page_file.string(), day.user);
    } catch (const DocumentError& error) {
      // Without the first page there is nothing; a later bad page loses only its own posts.
      if (first) throw std::runtime_error(error.what());
      warn(problem::page_lost, std::string(error.what()) + " (its posts are lost" + posts_held(page_file) + ")");
      break;
    }
    // A page of errors and nothing else is the API refusing the request (unauthorised, an
    // unknown or suspended account). Errors beside data are partial, such as a referenced
    // post that was deleted, and leave the day whole.
    if (page.entries == 0 && !page.errors.empty()) {
      const auto& error = page.errors.front();
      std::string message = page_file.string() + ": the API answered with an error: " + error.title +
                            (error.detail.empty() ? "" : ": " + error.detail);
      if (first) throw std::runtime_error(message);
      warn(problem::api_error, message + " (stopping at this page)");
      break;
    }
    for (const auto& found : page.problems) report(warn, found);
    for (auto& post : page.posts) {
      resolve_dataset_urls(post, root);
      day.posts.push_back(std::move(post));
    }
    if (!page.next_token) break;
    token = *page.next_token;
    if (!is_page_name(token) || seen.count(token)) {
      warn(problem::page_lost, page_file.string() + ": meta.next_token '" + token + "' does not name a new page; stopping there");
      break;
    }
  }
  return day;
}

}  // namespace pipectl::fetch
