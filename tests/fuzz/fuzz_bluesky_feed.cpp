// The Bluesky parser (the live source and stored datasets both go through it): the input is one
// response body, read as a getAuthorFeed page, as a getProfile answer and as an XRPC error; and,
// cut at its first NUL byte, as a post's text and its facets (UTF-8 byte ranges).
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "bluesky_errors.hpp"
#include "bluesky_facets.hpp"
#include "bluesky_feed.hpp"
#include "fuzz_input.hpp"
#include "text_repair.hpp"
#include "timeline_page.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl::fetch;
  const std::string_view input = pipectl::fuzz::as_text(data, size);
  try {
    (void)parse_bluesky_feed(input, "fuzz.json");
  } catch (const std::runtime_error&) {
    // DocumentError: the page as a whole is unusable.
  }
  try {
    (void)parse_bluesky_profile(input, "fuzz.json");
  } catch (const std::runtime_error&) {
  }
  if (auto error = read_xrpc_error(input)) (void)xrpc_error_text(*error, "fuzz.example");

  const auto parts = pipectl::fuzz::split(input);
  if (parts.size() < 2) return 0;
  boost::system::error_code failed;
  const boost::json::value facets = boost::json::parse(parts[1], failed);
  if (failed) return 0;
  PostProblems problems;
  std::string text(parts[0]);
  auto entities = facet_entities(text, facets, problems);
  repair_utf8(text);
  (void)drop_bad_entities(text, entities);
  return 0;
}
