// The pipectl command as a user runs it: help, exit codes, errors that name the file, line,
// post or handle, and a run that goes on past bad input.
#include <catch2/catch.hpp>

#include <fstream>

#include "support/media_probe.hpp"
#include "support/paths.hpp"

using namespace pipectl;
namespace fs = std::filesystem;

namespace {

std::string pipectl_binary() { return (test::build_dir() / "pipectl").string(); }

test::CommandResult run_pipectl(const std::string& arguments) {
  return test::run_command(test::shell_quote(pipectl_binary()) + " " + arguments);
}

// A small, fast graph over the broken fixtures: 320x180 cards of 1 s.
fs::path write_fixture_graph(const fs::path& folder) {
  fs::path graph = folder / "fixtures.graph";
  std::ofstream(graph) << "node fetch : fetch dir=\"" << (test::source_dir() / "tests/fixtures/stored").string() << "\"\n"
                       << "node media : download-media\n"
                       << "node render : render size=320x180 card=1s\n"
                       << "node encode : encode path=\"{out}/{handle}/{date}.mp4\"\n"
                       << "fetch -> media -> render -> encode\n";
  return graph;
}

}  // namespace

TEST_CASE("help and usage errors") {
  auto help = run_pipectl("--help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("pipectl run GRAPH --handles") != std::string::npos);
  CHECK(help.output.find("Exit codes") != std::string::npos);
  for (const char* command : {"run", "check", "stages"}) {
    auto result = run_pipectl(std::string(command) + " --help");
    INFO(command);
    CHECK(result.exit_code == 0);
    CHECK(result.output.find("Usage: pipectl " + std::string(command)) != std::string::npos);
  }
  CHECK(run_pipectl("frobnicate").exit_code == 2);
  auto no_handles = run_pipectl("run graphs/demo.graph");
  CHECK(no_handles.exit_code == 2);
  CHECK(no_handles.output.find("--handles") != std::string::npos);
  auto escape = run_pipectl("run graphs/demo.graph --handles ../etc");
  CHECK(escape.exit_code == 2);
  CHECK(escape.output.find("'../etc' is not a handle") != std::string::npos);
  auto date = run_pipectl("run graphs/demo.graph --handles a --date 2026-+1-24");
  CHECK(date.exit_code == 2);
  CHECK(date.output.find("--date '2026-+1-24' is not a day") != std::string::npos);
  auto zone = run_pipectl("run graphs/demo.graph --handles a --tz Mars/Base");
  CHECK(zone.exit_code == 2);
  CHECK(zone.output.find("--tz 'Mars/Base'") != std::string::npos);
}

TEST_CASE("check reports graph errors with file:line:column; stages lists the built-ins") {
  test::TempDir folder;
  fs::path graph = folder.path() / "typo.graph";
  std::ofstream(graph) << "node fetch : fetch\nnode render : rendr\nfetch -> render\n";
  auto result = run_pipectl("check " + test::shell_quote(graph.string()));
  CHECK(result.exit_code == 2);
  CHECK(result.output.find(graph.string() + ":2:15: error: unknown stage 'rendr' (did you mean 'render'?)") !=
        std::string::npos);

  auto good = run_pipectl("check " + test::shell_quote((test::source_dir() / "graphs/demo.graph").string()));
  CHECK(good.exit_code == 0);

  auto stages = run_pipectl("stages");
  CHECK(stages.exit_code == 0);
  for (const char* name : {"fetch - ", "download-media - ", "render - ", "encode - "})
    CHECK(stages.output.find(name) != std::string::npos);
  auto one = run_pipectl("stages encode");
  CHECK(one.output.find("preset : string = veryfast") != std::string::npos);
  CHECK(run_pipectl("stages encoder").output.find("did you mean 'encode'") != std::string::npos);
}

TEST_CASE("bad input: each problem is named, the rest of the run goes on, the exit code says so") {
  test::TempDir out("pipectl-cli");
  fs::path graph = write_fixture_graph(out.path());
  auto result = run_pipectl("run " + test::shell_quote(graph.string()) +
                        " --handles broken_posts,nobody_here,truncated,bad_next_page --date 2026-11-24 --out " +
                        test::shell_quote((out.path() / "videos").string()));
  INFO(result.output);
  CHECK(result.exit_code == 1);
  // Bad posts are skipped by id, bad images downgrade their card, naming file and post.
  CHECK(result.output.find("post 1002: missing field 'created_at'") != std::string::npos);
  CHECK(result.output.find("post 1001: media 3_corrupt") != std::string::npos);
  CHECK(result.output.find("post 1007: media 3_missing") != std::string::npos);
  CHECK(result.output.find("no such file") != std::string::npos);
  // The unknown handle and the truncated page fail their own handle only.
  CHECK(result.output.find("nobody_here: stage 'fetch': unknown handle 'nobody_here'") != std::string::npos);
  CHECK(result.output.find("truncated/pages/page-1.json:3:") != std::string::npos);
  CHECK(result.output.find("2 of 4 handles made their video") != std::string::npos);

  auto broken = test::probe_video(out.path() / "videos/broken_posts/2026-11-24.mp4");
  CHECK(broken.frames == 3 * 30);  // title + the two good posts, 1 s each
  CHECK(broken.width == 320);
  auto next_page = test::probe_video(out.path() / "videos/bad_next_page/2026-11-24.mp4");
  CHECK(next_page.frames == 3 * 30);
  CHECK_FALSE(fs::exists(out.path() / "videos/truncated/2026-11-24.mp4"));
  CHECK_FALSE(fs::exists(out.path() / "videos/nobody_here"));
}

TEST_CASE("graphs that cannot run fail each handle with the reason") {
  test::TempDir out("pipectl-daily");
  auto result = run_pipectl("run " + test::shell_quote((test::source_dir() / "graphs/daily.graph").string()) +
                        " --handles nasa --out " + test::shell_quote(out.path().string()));
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("source 'x-api' is not available") != std::string::npos);

  fs::path graph = out.path() / "nodir.graph";
  std::ofstream(graph) << "node fetch : fetch dir=nope\nnode media : download-media\nnode render : render\n"
                       << "node encode : encode\nfetch -> media -> render -> encode\n";
  auto missing = run_pipectl("run " + test::shell_quote(graph.string()) + " --handles nasa --out " +
                             test::shell_quote(out.path().string()));
  CHECK(missing.exit_code == 1);
  CHECK(missing.output.find("dir \"nope\" is not a folder (looked at " + (out.path() / "nope").string()) !=
        std::string::npos);
}

TEST_CASE("Ctrl-C stops the run with exit code 130 and leaves no partial file") {
  test::TempDir out("pipectl-interrupt");
  // SIGINT after 2 s lands while the first handle's video is being encoded.
  auto result = test::run_command("timeout --preserve-status -s INT 2 " + test::shell_quote(pipectl_binary()) +
                                  " run " + test::shell_quote((test::source_dir() / "graphs/demo.graph").string()) +
                                  " --handles orbit_daily,sakura_lab --out " + test::shell_quote(out.path().string()));
  INFO(result.output);
  CHECK(result.exit_code == 130);
  CHECK(result.output.find("interrupted") != std::string::npos);
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out.path())) files += entry.is_regular_file() ? 1 : 0;
  CHECK(files == 0);
}
