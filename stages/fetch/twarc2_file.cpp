#include "twarc2_file.hpp"

#include <fstream>

#include "json_reader.hpp"
#include "timeline_page.hpp"
#include "username.hpp"

namespace pipectl::fetch {

namespace json = boost::json;

namespace {

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

// `twarc2 flatten` writes one post per line, with its author inlined: not what twarc2
// timeline writes, and not a response page.
bool looks_like_flattened_post(const json::value& line) {
  return line.is_object() && line.get_object().contains("id") && line.get_object().contains("text") &&
         !line.get_object().contains("data");
}

}  // namespace

StoredDay read_twarc2(const std::string& file, const std::string& handle, const Warn& warn) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file + ": cannot read the file");
  StoredDay day;
  day.user.username = handle;
  bool user_known = false;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (is_blank(line)) continue;
    std::string source = file + ":" + std::to_string(number);
    TimelinePage page;
    try {
      json::value document = parse_json(line, file, number);
      page = parse_timeline_page(document, source);
      if (page.entries == 0) {
        if (looks_like_flattened_post(document)) {
          warn(problem::page_lost, source + ": a single post, not an API response page (a flattened file? pipectl reads what "
                        "twarc2 timeline writes) (line skipped)");
          continue;
        }
        if (!page.errors.empty()) {
          const ApiError& error = page.errors.front();
          warn(problem::api_error, source + ": the API answered with an error: " + error.title +
               (error.detail.empty() ? "" : ": " + error.detail) + " (line skipped)");
          continue;
        }
      }
    } catch (const DocumentError& error) {
      auto count = result_count_in(line);
      warn(problem::page_lost, std::string(error.what()) + " (line skipped" +
                                   (count ? ", " + std::to_string(*count) + " posts by its meta.result_count" : "") + ")");
      continue;
    }
    for (const auto& found : page.problems) report(warn, found);
    for (auto& post : page.posts) {
      // A repost is drawn as its original, by someone else; it is still the handle's post.
      const items::Author& poster = post.repost ? post.repost->by : post.author;
      if (!same_username(poster.username, handle)) continue;
      if (!user_known) day.user = poster;
      user_known = true;
      day.posts.push_back(std::move(post));
    }
  }
  if (in.bad()) throw std::runtime_error(file + ": read error");
  return day;
}

}  // namespace pipectl::fetch
