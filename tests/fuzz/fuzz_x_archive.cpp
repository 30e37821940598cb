// The X archive reader (account.js, profile.js, tweets*.js, the v1.1 tweet objects in them).
// The input is the archive's data/ folder as sections, each starting with a line
// "=== NAME" where NAME is one of the files below; text before the first section is tweets.js.
// An input without account.js or manifest.js gets the fixture archive's account (harbor_notes),
// so that most inputs reach the tweets.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "fuzz_input.hpp"
#include "x_archive.hpp"

namespace {

// The files the reader looks at; only these are written (a section naming another is ignored).
constexpr std::array<std::string_view, 8> file_names = {"account.js", "manifest.js", "profile.js", "tweets.js",
                                                        "tweets-part1.js", "tweet.js", "tweet-part1.js",
                                                        "tweets-part2.js"};

constexpr std::string_view default_account =
    "window.YTD.account.part0 = [{\"account\": {\"username\": \"harbor_notes\", \"accountId\": "
    "\"1598312345678901248\", \"accountDisplayName\": \"Harbor Notes\"}}]\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fs = std::filesystem;
  static const pipectl::fuzz::ScratchFolder scratch("x-archive");
  const fs::path folder = scratch.path() / "data";
  for (auto name : file_names) fs::remove(folder / name);

  auto sections = pipectl::fuzz::split(pipectl::fuzz::as_text(data, size), "\n=== ");
  std::string_view first = sections[0];
  if (first.starts_with("=== ")) first.remove_prefix(4);  // the input starts with a section
  else {
    scratch.write("data/tweets.js", first);
    first = {};
  }
  bool has_account = false;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    std::string_view section = i == 0 ? first : sections[i];
    if (i == 0 && section.empty()) continue;
    const std::size_t end_of_name = section.find('\n');
    const std::string_view name = section.substr(0, end_of_name);
    const std::string_view body = end_of_name == std::string_view::npos ? std::string_view() : section.substr(end_of_name + 1);
    for (auto known : file_names)
      if (name == known) {
        scratch.write("data/" + std::string(name), body);
        has_account = has_account || name == "account.js" || name == "manifest.js";
      }
  }
  if (!has_account) scratch.write("data/account.js", default_account);

  std::size_t warnings = 0;
  try {
    auto day = pipectl::fetch::read_x_archive(scratch.path().string(), "harbor_notes",
                                              [&warnings](const std::string&) { ++warnings; });
    (void)day;
  } catch (const std::runtime_error&) {
    // Another account's archive, or account.js / tweets.js unusable: reported, not a crash.
  }
  return 0;
}
