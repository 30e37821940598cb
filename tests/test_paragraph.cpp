// Break opportunities (stages/render/paragraph's ICU iterators) against the Unicode
// Consortium's own tests (Debian's unicode-data).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "builtin.hpp"
#include "card_geometry.hpp"
#include "card_renderer.hpp"
#include "card_samples.hpp"
#include "count_format.hpp"
#include "fonts.hpp"
#include "frame_convert.hpp"
#include "items/frame.hpp"
#include "items/media.hpp"
#include "pipectl/registry.hpp"
#include "png_file.hpp"
#include "post_text.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"
#include "support/render_cards.hpp"
#include "support/skip.hpp"
#include "text_layout.hpp"
#include "text_raster.hpp"
#include "time_format.hpp"

using namespace pipectl;
using namespace pipectl::test::cards;
namespace fs = std::filesystem;

namespace {

struct BreakCase {
  std::u32string text;
  std::vector<int> breaks;  // code point offsets where a break is allowed (÷), 0 excluded
  int line = 0;
};

// Lines such as "× 0023 × 0020 ÷ 0023 ÷	# comment".
std::vector<BreakCase> read_break_tests(const std::string& path) {
  std::vector<BreakCase> cases;
  std::ifstream in(path);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    BreakCase c;
    c.line = number;
    for (std::string word; words >> word;) {
      if (word == "\u00F7") {
        if (!c.text.empty()) c.breaks.push_back(static_cast<int>(c.text.size()));
      } else if (word != "\u00D7") {
        c.text.push_back(static_cast<char32_t>(std::stoul(word, nullptr, 16)));
      }
    }
    if (!c.text.empty()) cases.push_back(std::move(c));
  }
  return cases;
}

// The breaks `iterator` finds in `text`, as code point offsets (0 excluded).
std::vector<int> breaks_found(icu::BreakIterator& iterator, const std::u32string& text) {
  icu::UnicodeString units;
  for (char32_t c : text) units.append(static_cast<UChar32>(c));
  iterator.setText(units);
  std::vector<int> breaks;
  for (int32_t b = iterator.next(); b != icu::BreakIterator::DONE; b = iterator.next())
    breaks.push_back(units.countChar32(0, b));
  return breaks;
}

// Runs one test file through the iterator the wrapper uses; returns the lines that disagree.
std::vector<int> disagreements(const std::string& file, icu::BreakIterator& iterator, int& cases) {
  const std::string path = "/usr/share/unicode/auxiliary/" + file;
  REQUIRE(fs::exists(path));  // tools/setup installs unicode-data
  std::vector<int> lines;
  const auto tests = read_break_tests(path);
  cases = static_cast<int>(tests.size());
  for (const BreakCase& c : tests)
    if (breaks_found(iterator, c.text) != c.breaks) lines.push_back(c.line);
  return lines;
}

}  // namespace

TEST_CASE("line break opportunities follow UAX #14 (LineBreakTest.txt)", "[render][breaks]") {
  // The wrapper breaks lines only where ICU's line break iterator allows (Paragraph's
  // can_break_before); this is that iterator, run on every case of the Unicode test file.
  render::ShapingTools tools;
  int cases = 0;
  const std::vector<int> differ = disagreements("LineBreakTest.txt", tools.line_breaks(), cases);
  WARN("LineBreakTest.txt: " << cases - static_cast<int>(differ.size()) << " of " << cases
                             << " cases agree with ICU's line breaks; " << differ.size() << " differ");
  // ICU tailors UAX #14 for numbers and hyphens (punctuation before digits, "-" before a
  // letter) where the test file's plain rules differ: 22 known, designed differences. Any
  // other count means a different ICU or a different iterator.
  std::ostringstream lines;
  for (int line : differ) lines << ' ' << line;
  INFO("differing lines:" << lines.str());
  CHECK(differ.size() == 22);
  CHECK(cases > 7000);
  // Every differing case has punctuation in it.
  const auto tests = read_break_tests("/usr/share/unicode/auxiliary/LineBreakTest.txt");
  for (const BreakCase& c : tests)
    if (std::find(differ.begin(), differ.end(), c.line) != differ.end()) {
      INFO("LineBreakTest.txt line " << c.line);
      CHECK(std::any_of(c.text.begin(), c.text.end(),
                        [](char32_t ch) { return u_ispunct(static_cast<UChar32>(ch)); }));
    }
}

TEST_CASE("a word too long for a line is cut between grapheme clusters (GraphemeBreakTest.txt)", "[render][breaks]") {
  // Where the wrapper breaks by itself (a word wider than the box) it cuts only between
  // grapheme clusters, as found by ICU's character iterator: checked on every Unicode case.
  render::ShapingTools tools;
  int cases = 0;
  const std::vector<int> differ = disagreements("GraphemeBreakTest.txt", tools.graphemes(), cases);
  WARN("GraphemeBreakTest.txt: " << cases - static_cast<int>(differ.size()) << " of " << cases << " cases agree");
  CHECK(differ.empty());
  CHECK(cases > 500);
}
