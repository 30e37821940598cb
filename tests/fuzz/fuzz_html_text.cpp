// Mastodon's HTML content (html_text): any bytes, read with and without dropping the
// quote-inline paragraph. What comes out must hold: valid UTF-8 (bad input became U+FFFD) and
// entities in reading order, inside the text, never overlapping, each on what it stands for
// (drop_bad_entities, the check every source's entities pass, drops none of them).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_input.hpp"
#include "html_text.hpp"
#include "text_repair.hpp"
#include "timeline_page.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl::fetch;
  const std::string_view html = pipectl::fuzz::as_text(data, size);
  for (bool drop_quote_inline : {false, true}) {
    HtmlText read = html_to_text(html, HtmlTextOptions{drop_quote_inline});
    std::string copy = read.text;
    if (repair_utf8(copy) != 0) std::abort();  // the text is valid UTF-8
    auto entities = read.entities;
    if (!drop_bad_entities(read.text, entities).empty() || entities.size() != read.entities.size()) std::abort();
    if (read.cut != (html.size() > max_html_bytes)) std::abort();
  }
  return 0;
}
