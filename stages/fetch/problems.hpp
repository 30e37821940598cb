// What a source finds wrong in the data it reads. A problem costs at most the thing it is in:
// a bad entity is dropped and its post kept, a bad post is skipped and its page kept. Each
// problem is one warning, with a kind that the run's summary and events count it by.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "items/post.hpp"
#include "pipectl/warn.hpp"

namespace pipectl::fetch {

// Kinds, singular and led by their noun, in the words the summary prints them ("2 posts with
// bad entities").
namespace problem {
inline constexpr const char* post_skipped = "post skipped";  // no id, no time or no text
inline constexpr const char* page_lost = "page lost";        // a page that cannot be parsed at all
inline constexpr const char* invalid_text = "post with invalid characters";  // replaced by U+FFFD
inline constexpr const char* bad_entities = "post with bad entities";
inline constexpr const char* bad_media = "post with bad media";
inline constexpr const char* bad_reference = "post with a bad reference";
inline constexpr const char* bad_field = "post with a bad field";  // counts, note_tweet, ...
inline constexpr const char* oversized_text = "post with an oversized text";
inline constexpr const char* no_author = "post without its author";
inline constexpr const char* api_error = "error from the API";
inline constexpr const char* api_retry = "retry of an API call";
inline constexpr const char* duplicate = "post seen twice";
inline constexpr const char* no_avatar = "avatar not read";
}  // namespace problem

struct Problem {
  std::string kind;     // one of problem::...
  std::string message;  // names the file or URL and the post
};

// The problems of one post, gathered while it is read and reported once per kind, so that the
// summary counts posts ("2 posts with bad entities"), not entities.
class PostProblems {
 public:
  void add(const char* kind, std::string reason) { reasons_[kind].push_back(std::move(reason)); }
  // Another post's problems (the original of a repost), each reason prefixed with `prefix`.
  void merge(const PostProblems& other, const std::string& prefix);
  // One Problem per kind, "<where>: reason; reason; and N more (consequence)".
  void report(const std::string& where, std::vector<Problem>& out) const;
  bool empty() const { return reasons_.empty(); }

 private:
  std::map<std::string, std::vector<std::string>> reasons_;
};

// Keeps the first items::Post::max_media pictures of `media`, noting the rest in `problems`.
template <class Media>
void keep_first_media(Media& media, PostProblems& problems) {
  if (media.size() <= items::Post::max_media) return;
  problems.add(problem::bad_media, std::to_string(media.size()) + " pictures, more than the " +
                                       std::to_string(items::Post::max_media) + " a post can have (the first " +
                                       std::to_string(items::Post::max_media) + " are drawn)");
  media.resize(items::Post::max_media);
}

// Cuts `post.text` after items::Post::max_text_code_points code points (dropping the entities
// past the cut), noting it in `problems`.
void keep_text_within_limit(items::Post& post, PostProblems& problems);

// How sources report problems as they read: the SDK's Warn, called with a kind and a message.
using Warn = pipectl::Warn;

inline void report(const Warn& warn, const Problem& found) { warn(found.kind, found.message); }

}  // namespace pipectl::fetch
