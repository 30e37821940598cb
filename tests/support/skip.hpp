// Skipping a test that cannot run here (its data or an optional tool is absent), so that it is
// reported as skipped, not passed. Catch2 2.13 has no SKIP of its own: skip() records the reason
// and warns; the caller then returns. tests/catch_main.cpp prints the reasons at the end and
// exits 77 (Meson's SKIP) when every test case that ran was skipped.
//
//   if (shared.empty()) return test::skip("../shared/reference is absent");
#pragma once

#include <string>
#include <vector>

namespace pipectl::test {

// Records `reason` for the running test case and shows it as a warning. Returns normally: the
// caller must end the test case (`return test::skip(...)` does both in a void function).
void skip(const std::string& reason);

// The reasons recorded since the last call, without repeats (a test case with sections runs
// once per section); for the test main.
std::vector<std::string> take_skip_reasons();

}  // namespace pipectl::test
