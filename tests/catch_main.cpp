// The main of every Catch2 test executable: Catch2's own, plus skipped tests (support/skip.hpp)
// reported the way Meson counts them. A test case that called test::skip() and made no
// assertion is skipped; when every test case that ran was, the executable exits 77 (Meson's
// SKIP) instead of passing. Otherwise the skips are listed on one line after Catch2's summary.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "support/skip.hpp"

namespace {

constexpr int exit_skipped = 77;  // Meson's "SKIP"

struct SkipTally {
  int ran = 0;      // test cases that ended
  int skipped = 0;  // of them, the ones skipped without an assertion
  std::vector<std::string> lines;  // "name: reason" per skipped (or partly skipped) case
};

SkipTally& tally() {
  static SkipTally counts;
  return counts;
}

class SkipListener : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    TestEventListenerBase::testCaseStarting(info);
    pipectl::test::take_skip_reasons();  // nothing carries over from a previous case
  }

  void testCaseEnded(Catch::TestCaseStats const& stats) override {
    TestEventListenerBase::testCaseEnded(stats);
    SkipTally& counts = tally();
    ++counts.ran;
    const std::vector<std::string> reasons = pipectl::test::take_skip_reasons();
    if (reasons.empty()) return;
    // A case whose other sections ran and checked things is only partly skipped: it passed
    // (or failed) on what it checked, and does not make the executable a SKIP.
    const bool whole = stats.totals.assertions.total() == 0;
    if (whole) ++counts.skipped;
    std::string line = stats.testInfo.name + (whole ? ": " : " (partly): ");
    for (std::size_t i = 0; i < reasons.size(); ++i) line.append(i ? "; " : "").append(reasons[i]);
    counts.lines.push_back(line);
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(SkipListener)

int main(int argc, char* argv[]) {
  Catch::Session session;
  const int result = session.run(argc, argv);
  const SkipTally& counts = tally();
  if (!counts.lines.empty()) {
    std::cout << "SKIPPED " << counts.lines.size() << " test case(s): ";
    for (std::size_t i = 0; i < counts.lines.size(); ++i) std::cout << (i ? " | " : "") << counts.lines[i];
    std::cout << '\n';
  }
  if (result == 0 && counts.ran > 0 && counts.skipped == counts.ran) return exit_skipped;
  return result;
}
