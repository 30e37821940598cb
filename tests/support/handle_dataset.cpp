#include "handle_dataset.hpp"

#include <fstream>

#include "fixture_graph.hpp"

namespace pipectl::test {

std::vector<std::string> write_handle_dataset(const std::filesystem::path& folder, int count, const std::string& prefix,
                                              const std::string& fixture) {
  std::filesystem::path stored = stored_fixtures();
  std::filesystem::create_directories(folder);
  std::filesystem::create_directory_symlink(stored / "media", folder / "media");
  std::vector<std::string> handles;
  for (int i = 0; i < count; ++i) {
    handles.push_back(prefix + std::to_string(i));
    std::filesystem::create_directory_symlink(stored / fixture, folder / handles.back());
  }
  return handles;
}

void write_handles_file(const std::filesystem::path& file, const std::vector<std::string>& handles) {
  std::ofstream out(file);
  out << "# handles, one per line\n";
  for (const auto& handle : handles) out << handle << '\n';
}

}  // namespace pipectl::test
