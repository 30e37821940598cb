#include "fixture_graph.hpp"

#include <fstream>

#include "paths.hpp"

namespace pipectl::test {

std::string fixture_graph_text(const std::filesystem::path& dataset, const std::string& between) {
  std::string text = "node fetch : fetch dir=\"" + dataset.string() + "\"\n" +
                     "node media : download-media\n"
                     "node render : render size=320x180 card=1s\n"
                     "node encode : encode path=\"{out}/{handle}/{date}.mp4\"\n";
  if (between.empty()) return text + "fetch -> media -> render -> encode\n";
  return text + between + "\nfetch -> media -> render -> mark -> encode\n";
}

std::filesystem::path write_fixture_graph(const std::filesystem::path& file, const std::filesystem::path& dataset,
                                          const std::string& between) {
  std::ofstream(file) << fixture_graph_text(dataset, between);
  return file;
}

std::filesystem::path stored_fixtures() { return source_dir() / "tests" / "fixtures" / "stored"; }

std::string pipectl_binary() { return (build_dir() / "pipectl").string(); }

}  // namespace pipectl::test
