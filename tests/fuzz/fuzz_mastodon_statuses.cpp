// The Mastodon answers' parser (mastodon_statuses): the input is one body, read as a page of
// statuses and as an account, and as the server's error. A status that is read keeps only
// entities that are inside its text and on what they stand for, and at most four pictures.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_input.hpp"
#include "mastodon_statuses.hpp"
#include "timeline_page.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl::fetch;
  const std::string_view json = pipectl::fuzz::as_text(data, size);
  try {
    StatusesPage page = parse_statuses_page(json, "fuzz.json", "social.example");
    if (page.posts.size() > page.entries) std::abort();
    for (const auto& post : page.posts) {
      auto entities = post.entities;
      if (!drop_bad_entities(post.text, entities).empty()) std::abort();
      if (post.media.size() > pipectl::items::Post::max_media) std::abort();
    }
  } catch (const DocumentError&) {
    // the page as a whole is unusable: that is all the caller learns
  }
  try {
    (void)parse_mastodon_account(json, "fuzz.json", "social.example");
  } catch (const DocumentError&) {
  }
  (void)mastodon_error_message(json);
  return 0;
}
