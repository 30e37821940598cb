// The handles a run is for: from --handles a,b,c and from handle files (--handles-file FILE,
// or - for standard input), one handle per line. Every problem is refused with the place it
// is at (FILE:LINE), so that nothing runs on a list with a typo in it.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pipectl::cli {

// An X username, a Bluesky handle or a Mastodon address user@instance (fetch::is_handle).
// None can name a path outside the output folder.
bool valid_handle(const std::string& handle);

// The handles of one run, in the order given, each once. X usernames are case-insensitive:
// "NASA" and "nasa" are the same account, so the second is a duplicate.
class HandleList {
 public:
  // Adds the handles of "a,b,c" (empty parts ignored); returns an error, or "" when all were good.
  std::string add_commas(const std::string& text);
  // Adds one handle per line of `in`, named `source` in errors ("handles.txt", "stdin"): blank
  // lines and everything from '#' on are ignored, spaces around a handle too. Returns the first
  // problem as "SOURCE:LINE: ...", or "" when the whole file was good.
  std::string add_lines(std::istream& in, const std::string& source);
  // add_lines on a file ("-": standard input); an unreadable file is an error naming it.
  std::string add_file(const std::string& path);

  const std::vector<std::string>& handles() const { return handles_; }

 private:
  // "" when `handle` (a leading '@' dropped) is new and valid; else what is wrong with it
  // (`where` says where it is).
  std::string add(const std::string& handle, const std::string& where);

  std::vector<std::string> handles_;
  std::vector<std::string> given_at_;                    // where each handle was given, for duplicate errors
  std::unordered_map<std::string, std::size_t> index_;  // lower-case handle -> its place in handles_
};

// The lower-case form shards and duplicates are decided by.
std::string folded_handle(const std::string& handle);

}  // namespace pipectl::cli
