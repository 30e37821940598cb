// The X API v2 page parser (stored pages, the live client and twarc2 lines all go through it):
// the input is one response body, read as a timeline page and as a user response; every post's
// text is decoded again as the parser does (HTML entities, entity offsets moved).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "timeline_page.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl::fetch;
  const std::string_view json = pipectl::fuzz::as_text(data, size);
  try {
    TimelinePage page = parse_timeline_page(json, "fuzz.json");
    for (auto& post : page.posts) {
      std::vector<int> positions;
      (void)decode_html_entities(post.text, &positions);
      decode_post_text(post.text, post.entities);
    }
  } catch (const std::runtime_error&) {
    // DocumentError (the page as a whole is unusable) and FieldError.
  }
  try {
    (void)parse_user_response(json, "fuzz.json");
  } catch (const std::runtime_error&) {
  }
  (void)parse_api_time(std::string(json.substr(0, 64)));
  return 0;
}
