// The installed SDK as a plugin author gets it: `meson install` into a staging folder, then the
// example plugin (subprojects/watermark) built out of tree with only pkg-config and the
// installed headers, and loaded by the installed pipectl.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "pipectl/plugin.hpp"
#include "support/paths.hpp"

namespace fs = std::filesystem;
using namespace pipectl;

namespace {

// The install folders of this build (absolute; tests/meson.build passes them), under `destdir`.
fs::path staged(const fs::path& destdir, const char* dir) { return destdir / fs::path(dir).relative_path(); }

std::string missing_tool() {
  for (const char* tool : {"meson", "ninja", "pkg-config"})
    if (test::run_command(std::string("command -v ") + tool).exit_code != 0) return tool;
  return "";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::set<std::string> file_names(const fs::path& folder) {
  std::set<std::string> names;
  if (fs::is_directory(folder))
    for (const auto& entry : fs::directory_iterator(folder)) names.insert(entry.path().filename().string());
  return names;
}

// Every file under `root`, relative to it.
std::set<std::string> tree(const fs::path& root) {
  std::set<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (!entry.is_directory()) files.insert(fs::relative(entry.path(), root).string());
  return files;
}

}  // namespace

TEST_CASE("meson install gives an SDK that the example plugin builds against out of tree", "[install]") {
  if (auto tool = missing_tool(); !tool.empty()) {
    WARN("SKIPPED: " << tool << " is not installed, the install test cannot run");
    return;
  }
  test::TempDir folder("pipectl-install");
  const fs::path destdir = folder.path() / "stage";
  auto install = test::run_command("meson install --no-rebuild --destdir " + test::shell_quote(destdir.string()) +
                                   " -C " + test::shell_quote(test::build_dir().string()));
  INFO(install.output);
  REQUIRE(install.exit_code == 0);

  const fs::path bin = staged(destdir, PIPECTL_INSTALL_BINDIR);
  const fs::path sdk = staged(destdir, PIPECTL_INSTALL_INCLUDEDIR) / "pipectl-1";
  const fs::path pc_folder = staged(destdir, PIPECTL_INSTALL_LIBDIR) / "pkgconfig";
  CHECK(fs::is_regular_file(bin / "pipectl"));
  CHECK(fs::is_regular_file(staged(destdir, PIPECTL_INSTALL_MANDIR) / "man1" / "pipectl.1"));
  CHECK(fs::is_regular_file(staged(destdir, PIPECTL_INSTALL_MANDIR) / "man5" / "pipectl-graph.5"));
  CHECK(fs::is_regular_file(staged(destdir, PIPECTL_INSTALL_DATADIR) / "bash-completion" / "completions" / "pipectl"));

  SECTION("the headers are exactly the public ones, laid out as in the tree") {
    // Every public header and item type, and nothing else: no stage's own header (stages/fetch,
    // stages/render, ...) nor the framework's private ones (pipeline/*.hpp).
    CHECK(file_names(sdk / "pipectl") == file_names(test::source_dir() / "pipeline" / "include" / "pipectl"));
    CHECK(file_names(sdk / "items") == file_names(test::source_dir() / "stages" / "items"));
    CHECK(file_names(sdk) == std::set<std::string>{"items", "pipectl"});
    for (const auto& file : tree(destdir)) {
      INFO(file);
      if (file.ends_with(".hpp") || file.ends_with(".h")) CHECK(file.find("pipectl-1/") != std::string::npos);
    }
  }

  SECTION("the man pages format without a warning") {
    if (test::run_command("command -v groff").exit_code != 0) {
      WARN("SKIPPED: groff is not installed (tools/setup installs groff-base)");
      return;
    }
    for (const char* page : {"man1/pipectl.1", "man5/pipectl-graph.5"}) {
      auto format = test::run_command("groff -man -ww -z " +
                                      test::shell_quote((staged(destdir, PIPECTL_INSTALL_MANDIR) / page).string()));
      INFO(page << "\n" << format.output);
      CHECK(format.exit_code == 0);
      CHECK(format.output.empty());
    }
  }

  SECTION("pipectl-plugin.pc points at them and names the plugin folder and ABI version") {
    std::string pc = read_text(pc_folder / "pipectl-plugin.pc");
    INFO(pc);
    CHECK(pc.find("Cflags: -I${includedir}/pipectl-1") != std::string::npos);
    CHECK(pc.find("plugindir=${libdir}/pipectl/plugins") != std::string::npos);
    CHECK(pc.find("abi_version=" + std::to_string(PIPECTL_PLUGIN_ABI_VERSION) + "\n") != std::string::npos);
    CHECK(pc.find("Libs") == std::string::npos);  // plugins link nothing: pipectl exports its symbols
  }

  SECTION("the watermark example builds with pkg-config alone and the installed pipectl loads it") {
    // A copy away from the source tree, so that its fallback (../..) finds no pipectl headers.
    const fs::path project = folder.path() / "watermark";
    fs::copy(test::source_dir() / "subprojects" / "watermark", project, fs::copy_options::recursive);
    const fs::path build = folder.path() / "watermark-build";
    // The .pc file says prefix=/usr/local (or wherever); the sysroot puts its paths under destdir.
    std::string env = "env PKG_CONFIG_PATH=" + test::shell_quote(pc_folder.string()) +
                      " PKG_CONFIG_SYSROOT_DIR=" + test::shell_quote(destdir.string()) +
                      " CXX=" + test::shell_quote(PIPECTL_TEST_CXX) + " ";
    auto setup = test::run_command(env + "meson setup -Dsdk=enabled " + test::shell_quote(build.string()) + " " +
                                   test::shell_quote(project.string()));
    INFO(setup.output);
    REQUIRE(setup.exit_code == 0);
    auto compile = test::run_command("ninja -C " + test::shell_quote(build.string()));
    INFO(compile.output);
    REQUIRE(compile.exit_code == 0);
    std::string commands = read_text(build / "compile_commands.json");
    CHECK(commands.find(sdk.string()) != std::string::npos);
    CHECK(commands.find(test::source_dir().string()) == std::string::npos);

    const std::string pipectl = test::shell_quote((bin / "pipectl").string());
    const std::string plugin = (build / "watermark.so").string();
    auto stages = test::run_command(pipectl + " stages --plugin " + test::shell_quote(plugin) + " watermark");
    INFO(stages.output);
    CHECK(stages.exit_code == 0);
    CHECK(stages.output.find("watermark - ") == 0);
    CHECK(stages.output.find("  from: " + plugin + "\n") != std::string::npos);

    const fs::path graph = folder.path() / "marked.graph";
    fs::create_directories(folder.path() / "data");  // check makes sure the stored pages' folder exists
    std::ofstream(graph) << "node fetch  : fetch source=stored dir=data\n"
                            "node media  : download-media\n"
                            "node render : render\n"
                            "node mark   : watermark text=\"@{handle}\" corner=top-left\n"
                            "node encode : encode path=\"{out}/{handle}/{date}.mp4\"\n"
                            "fetch -> media -> render -> mark -> encode\n";
    auto check = test::run_command(pipectl + " check " + test::shell_quote(graph.string()) + " --plugin " +
                                   test::shell_quote(plugin));
    INFO(check.output);
    CHECK(check.exit_code == 0);
  }
}
