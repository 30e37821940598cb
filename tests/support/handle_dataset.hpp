// A stored dataset with as many handles as a test needs: each generated handle is a link to
// one fixture handle's folder (tests/fixtures/stored), the pictures are shared. For the tests
// that run many handles at once (shards, job arrays).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pipectl::test {

// `count` handles named <prefix>0, <prefix>1, ... in `folder`, each showing `fixture`'s day.
// Returns the handles.
std::vector<std::string> write_handle_dataset(const std::filesystem::path& folder, int count,
                                              const std::string& prefix = "user",
                                              const std::string& fixture = "bad_next_page");

// Writes one handle per line to `file` (with a comment line first, as people write them).
void write_handles_file(const std::filesystem::path& file, const std::vector<std::string>& handles);

}  // namespace pipectl::test
