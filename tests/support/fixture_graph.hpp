// The small, fast graph the command-line, plugin and supervisor tests run: fetch from a stored
// dataset, 320x180 cards of 1 s, encode to {out}/{handle}/{date}.mp4.
#pragma once

#include <filesystem>
#include <string>

namespace pipectl::test {

// The graph's text. `between` is an optional node declaration ("node mark : watermark ...")
// whose node, named `mark`, goes between render and encode.
std::string fixture_graph_text(const std::filesystem::path& dataset, const std::string& between = "");

// Writes fixture_graph_text to `file` and returns `file`.
std::filesystem::path write_fixture_graph(const std::filesystem::path& file, const std::filesystem::path& dataset,
                                          const std::string& between = "");

// tests/fixtures/stored: the broken-input handles.
std::filesystem::path stored_fixtures();

// The pipectl command that the build made.
std::string pipectl_binary();

}  // namespace pipectl::test
