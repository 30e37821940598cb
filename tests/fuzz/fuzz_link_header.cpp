// The HTTP Link header parser (link_header): any header value. The target link_target finds
// for "next" must be one of the parsed links, and one whose relations list "next".
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_input.hpp"
#include "link_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl::fetch;
  const std::string_view header = pipectl::fuzz::as_text(data, size);
  const auto links = parse_link_header(header);
  const auto next = link_target(header, "next");
  if (next) {
    const bool listed = std::any_of(links.begin(), links.end(), [&](const LinkValue& link) {
      const auto relations = link.relations();
      return link.target == *next && std::find(relations.begin(), relations.end(), "next") != relations.end();
    });
    if (!listed) std::abort();
  }
  return 0;
}
