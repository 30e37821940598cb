// The pipectl command as a user runs it: help, exit codes, errors that name the file, line,
// post or handle, and a run that goes on past bad input.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "support/file_limits.hpp"
#include "support/fixture_graph.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"
#include "support/skip.hpp"

using namespace pipectl;
namespace fs = std::filesystem;

namespace {

using test::pipectl_binary;

test::CommandResult run_pipectl(const std::string& arguments) {
  return test::run_command(test::shell_quote(pipectl_binary()) + " " + arguments);
}

// The fixture graph over the broken-input handles.
fs::path write_fixture_graph(const fs::path& folder) {
  return test::write_fixture_graph(folder / "fixtures.graph", test::stored_fixtures());
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
  CHECK(one.output.find("encode - ") == 0);
  CHECK(one.output.find("\n  from: built in\n") != std::string::npos);
  CHECK(one.output.find("runs: serial") != std::string::npos);
  CHECK(run_pipectl("stages render").output.find("runs: parallel") != std::string::npos);
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
  // Bad posts are skipped by id, bad parts of a post and bad images downgrade their card,
  // naming file and post; the summary counts the warnings by kind.
  CHECK(result.output.find("post 1002: missing field 'created_at'") != std::string::npos);
  CHECK(result.output.find("post 1001: media 3_corrupt") != std::string::npos);
  CHECK(result.output.find("post 1007: media 3_missing") != std::string::npos);
  CHECK(result.output.find("no such file") != std::string::npos);
  CHECK(result.output.find("(2 pictures not loaded, 3 posts skipped, 1 post with bad entities, 1 post with bad media)") !=
        std::string::npos);
  // The unknown handle and the truncated page fail their own handle only.
  CHECK(result.output.find("nobody_here: stage 'fetch': unknown handle 'nobody_here'") != std::string::npos);
  CHECK(result.output.find("truncated/pages/page-1.json:3:") != std::string::npos);
  CHECK(result.output.find("2 of 4 handles made their video") != std::string::npos);

  auto broken = test::probe_video(out.path() / "videos/broken_posts/2026-11-24.mp4");
  CHECK(broken.frames == 6 * 30);  // title + the four posts kept (two lost only a bad part) + end, 1 s each
  CHECK(broken.width == 320);
  auto next_page = test::probe_video(out.path() / "videos/bad_next_page/2026-11-24.mp4");
  CHECK(next_page.frames == 4 * 30);
  CHECK_FALSE(fs::exists(out.path() / "videos/truncated/2026-11-24.mp4"));
  CHECK_FALSE(fs::exists(out.path() / "videos/nobody_here"));
}

TEST_CASE("a graph that cannot run fails each handle, or the check, with the reason") {
  test::TempDir out("pipectl-daily");
  // Without X_BEARER_TOKEN, the live graph cannot fetch (and makes no connection).
  ::unsetenv("X_BEARER_TOKEN");
  auto result = run_pipectl("run " + test::shell_quote((test::source_dir() / "graphs/daily.graph").string()) +
                        " --handles nasa --out " + test::shell_quote(out.path().string()));
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("nasa: stage 'fetch': source=x-api needs a bearer token: set X_BEARER_TOKEN") !=
        std::string::npos);

  fs::path graph = out.path() / "nodir.graph";
  std::ofstream(graph) << "node fetch : fetch dir=nope\nnode media : download-media\nnode render : render\n"
                       << "node encode : encode\nfetch -> media -> render -> encode\n";
  auto missing = run_pipectl("run " + test::shell_quote(graph.string()) + " --handles nasa --out " +
                             test::shell_quote(out.path().string()));
  // A folder that is not there is known before any handle runs: the check refuses it, at its place.
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find(graph.string() + ":1:24: error: dir: \"" + (out.path() / "nope").string() +
                            "\" is not a folder") != std::string::npos);
}

TEST_CASE("check sees the values a run would: the graph's own day, variables, --set, before any handle") {
  test::TempDir out("pipectl-check-values");
  const std::string demo = test::shell_quote((test::source_dir() / "graphs/demo.graph").string());
  // A day that does not exist, set in the graph: check refuses it, at the fetch node.
  fs::path graph = out.path() / "bad-day.graph";
  std::ofstream(graph) << "set date = 2024-02-31\nnode fetch : fetch dir=\"" << (test::source_dir() / "data/sample").string()
                       << "\"\nnode media : download-media\nnode render : render\nnode encode : encode\n"
                       << "fetch -> media -> render -> encode\n";
  auto day = run_pipectl("check " + test::shell_quote(graph.string()));
  CHECK(day.exit_code == 2);
  CHECK(day.output.find("the run's date '2024-02-31' is not a day written YYYY-MM-DD") != std::string::npos);
  // A variable no run defines, and a value only the stage's rule refuses, named by their --set.
  auto unknown = run_pipectl("check " + demo + " --set 'encode.path={nope}/v.mp4'");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("--set encode.path={nope}/v.mp4: error: '{nope}/v.mp4' uses the variable {nope}") !=
        std::string::npos);
  auto odd = run_pipectl("check " + demo + " --set render.size=1921x1080");
  CHECK(odd.exit_code == 2);
  CHECK(odd.output.find("--set render.size=1921x1080: error: size: size 1921x1080 must have an even width") !=
        std::string::npos);
  // run refuses the same before any handle starts: nothing is written but the folder.
  auto run = run_pipectl("run " + demo + " --handles orbit_daily --out " + test::shell_quote(out.path().string()) +
                         " --set encode.fps=0");
  CHECK(run.exit_code == 2);
  CHECK(run.output.find("--set encode.fps=0: error: '0' is below the minimum of fps (1)") != std::string::npos);
  CHECK_FALSE(fs::exists(out.path() / "orbit_daily"));
}

TEST_CASE("Ctrl-C stops the run with exit code 130 and leaves no partial file") {
  test::TempDir out("pipectl-interrupt");
  // SIGINT after 2 s lands while the first handle's video is being encoded (x264 encoding every
  // repeated picture, the slow way, so the run lasts longer than that).
  auto result = test::run_command("timeout --preserve-status -s INT 2 " + test::shell_quote(pipectl_binary()) +
                                  " run " + test::shell_quote((test::source_dir() / "graphs/demo.graph").string()) +
                                  " --handles orbit_daily,sakura_lab --set encode.repeat=x264 --out " +
                                  test::shell_quote(out.path().string()));
  INFO(result.output);
  CHECK(result.exit_code == 130);
  CHECK(result.output.find("interrupted") != std::string::npos);
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out.path())) files += entry.is_regular_file() ? 1 : 0;
  CHECK(files == 0);
}

TEST_CASE("dot writes DOT that Graphviz renders, the same bytes every time") {
  auto help = run_pipectl("dot --help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("Usage: pipectl dot GRAPH") != std::string::npos);
  CHECK(help.output.find("--set NODE.PARAM=VALUE") != std::string::npos);
  CHECK(help.output.find("Exit codes") != std::string::npos);
  CHECK(run_pipectl("--help").output.find("pipectl dot GRAPH") != std::string::npos);

  test::TempDir folder("pipectl-cli-dot");
  std::string demo = test::shell_quote((test::source_dir() / "graphs/demo.graph").string());
  fs::path first = folder.path() / "first.dot", second = folder.path() / "second.dot";
  CHECK(run_pipectl("dot " + demo + " > " + test::shell_quote(first.string())).exit_code == 0);
  CHECK(run_pipectl("dot " + demo + " > " + test::shell_quote(second.string())).exit_code == 0);
  std::ifstream a(first), b(second);
  std::string first_text((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
  std::string second_text((std::istreambuf_iterator<char>(b)), std::istreambuf_iterator<char>());
  CHECK(first_text.starts_with("digraph pipeline {"));
  CHECK(first_text == second_text);

  fs::path svg = folder.path() / "demo.svg";
  auto rendered = test::run_command("dot -Tsvg " + test::shell_quote(first.string()) + " -o " +
                                    test::shell_quote(svg.string()));
  INFO(rendered.output);
  CHECK(rendered.exit_code == 0);
  CHECK(fs::file_size(svg) > 0);

  // --set shows in the boxes; a graph with problems writes nothing on stdout and exits 2.
  auto set = run_pipectl("dot " + demo + " --set render.card=2s --set=encode.crf=30");
  CHECK(set.exit_code == 0);
  CHECK(set.output.find("card = 2s") != std::string::npos);
  CHECK(set.output.find("crf = 30") != std::string::npos);
  fs::path bad = folder.path() / "bad.graph", out = folder.path() / "bad.dot";
  std::ofstream(bad) << "node fetch : fetch\nnode render : rendr\nfetch -> render\n";
  // A subshell sends stdout to the file; what pipectl prints on stderr still reaches the output.
  std::string subshell = "(";
  subshell += test::shell_quote(pipectl_binary()) + " dot " + test::shell_quote(bad.string()) + " > " +
              test::shell_quote(out.string()) + ")";
  auto failed = test::run_command(subshell);
  CHECK(failed.exit_code == 2);
  CHECK(failed.output.find(bad.string() + ":2:15: error: unknown stage 'rendr' (did you mean 'render'?)") !=
        std::string::npos);
  CHECK(fs::file_size(out) == 0);

  CHECK(run_pipectl("dot").exit_code == 2);
  CHECK(run_pipectl("dot " + demo + " " + demo).exit_code == 2);
  auto unknown = run_pipectl("dot " + demo + " --svg");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("unknown option '--svg'") != std::string::npos);
}

TEST_CASE("--set overrides a parameter for check, dot and run; mistakes name the option") {
  std::string demo = test::shell_quote((test::source_dir() / "graphs/demo.graph").string());
  CHECK(run_pipectl("check " + demo + " --set render.card=2s --set fetch.dir=../data/sample").exit_code == 0);
  auto check_help = run_pipectl("check --help");
  CHECK(check_help.output.find("--set NODE.PARAM=VALUE") != std::string::npos);
  CHECK(run_pipectl("run --help").output.find("--set NODE.PARAM=VALUE") != std::string::npos);

  struct Case {
    const char* set;
    const char* message;
  };
  for (const Case& c : {Case{"rendr.card=2s", "--set rendr.card=2s: error: " /* file */},
                        Case{"render.crd=2s", "--set render.crd=2s: error: stage 'render' has no parameter 'crd' "
                                              "(did you mean 'card'?)"},
                        Case{"render.card=soon", "--set render.card=soon: error: 'soon' is not a duration"},
                        Case{"render.card", "--set render.card: error: expected NODE.PARAM=VALUE"}}) {
    for (const char* command : {"check", "dot", "run"}) {
      std::string arguments = std::string(command) + " " + demo + " --set " + test::shell_quote(c.set);
      if (std::string(command) == "run") arguments += " --handles sakura_lab --out /nonexistent/never";
      auto result = run_pipectl(arguments);
      INFO(arguments << "\n" << result.output);
      CHECK(result.exit_code == 2);
      CHECK(result.output.find(c.message) != std::string::npos);
    }
  }
  auto node = run_pipectl("check " + demo + " --set rendr.card=2s");
  CHECK(node.output.find("has no node 'rendr' (did you mean 'render'?)") != std::string::npos);
  auto missing = run_pipectl("check " + demo + " --set");
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("--set needs NODE.PARAM=VALUE") != std::string::npos);
  CHECK(run_pipectl("run " + demo + " --handles a --set").output.find("--set needs NODE.PARAM=VALUE") !=
        std::string::npos);
}

TEST_CASE("run applies --set: the video has the size and card length given on the command line") {
  test::TempDir out("pipectl-cli-set");
  auto result = run_pipectl("run " + test::shell_quote((test::source_dir() / "graphs/demo.graph").string()) +
                            " --handles sakura_lab --out " + test::shell_quote(out.path().string()) +
                            " --set render.size=320x180 --set render.card=3s --set=render.card=1s");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  auto video = test::probe_video(out.path() / "sakura_lab/2026-11-24.mp4");
  CHECK(video.width == 320);
  CHECK(video.height == 180);
  CHECK(video.frames % 30 == 0);
  CHECK(video.duration == Approx(video.frames / 30.0));
  CHECK(video.frames < 30 * 20);  // 1 s cards (the last --set wins), not the graph's 3 s
}

TEST_CASE("stages --plugin lists the plugin's stage; PIPECTL_PLUGIN_PATH does the same") {
  std::string plugin = std::getenv("PIPECTL_WATERMARK_PLUGIN") ? std::getenv("PIPECTL_WATERMARK_PLUGIN") : "";
  REQUIRE_FALSE(plugin.empty());
  for (const char* command : {"run", "check", "stages"}) {
    INFO(command);
    auto help = run_pipectl(std::string(command) + " --help");
    CHECK(help.output.find("--plugin FILE") != std::string::npos);
    CHECK(help.output.find("Environment:\n  PIPECTL_PLUGIN_PATH") != std::string::npos);
  }

  auto all = run_pipectl("stages --plugin " + test::shell_quote(plugin));
  INFO(all.output);
  CHECK(all.exit_code == 0);
  CHECK(all.output.find("watermark - stamps a line of text") != std::string::npos);
  CHECK(all.output.find("encode - ") != std::string::npos);  // the built-ins are still listed
  CHECK(all.output.find("(example plugin)\n  from: " + plugin + "\n") != std::string::npos);
  CHECK(run_pipectl("stages").output.find("watermark") == std::string::npos);

  auto from_env = test::run_command("PIPECTL_PLUGIN_PATH=" + test::shell_quote(plugin) + " " +
                                    test::shell_quote(pipectl_binary()) + " stages watermark");
  INFO(from_env.output);
  CHECK(from_env.exit_code == 0);
  CHECK(from_env.output.find("corner : string = bottom-right") != std::string::npos);
  CHECK(from_env.output.find("scale : integer = 4  [1, 16]") != std::string::npos);
  CHECK(from_env.output.find("  from: " + plugin + "\n") != std::string::npos);
  // The same file from PIPECTL_PLUGIN_PATH and --plugin is loaded once, not refused as a duplicate.
  auto both = test::run_command("PIPECTL_PLUGIN_PATH=" + test::shell_quote(plugin) + " " +
                                test::shell_quote(pipectl_binary()) + " stages watermark --plugin=" +
                                test::shell_quote(plugin));
  CHECK(both.exit_code == 0);
}

TEST_CASE("a plugin that cannot be loaded is a usage error naming the file; with it the graph runs") {
  std::string plugin = std::getenv("PIPECTL_WATERMARK_PLUGIN") ? std::getenv("PIPECTL_WATERMARK_PLUGIN") : "";
  REQUIRE_FALSE(plugin.empty());
  test::TempDir out("pipectl-cli-plugin");
  fs::path missing = out.path() / "missing.so";
  for (const char* command : {"stages", "check graphs/demo.graph", "run graphs/demo.graph --handles a"}) {
    INFO(command);
    auto result = run_pipectl(std::string(command) + " --plugin " + test::shell_quote(missing.string()));
    CHECK(result.exit_code == 2);
    CHECK(result.output.find(missing.string() + ": no such plugin file") != std::string::npos);
  }
  auto in_env = test::run_command("PIPECTL_PLUGIN_PATH=" + test::shell_quote(missing.string()) + " " +
                                  test::shell_quote(pipectl_binary()) + " stages");
  CHECK(in_env.exit_code == 2);
  CHECK(in_env.output.find(missing.string() + ": no such file or folder (named in PIPECTL_PLUGIN_PATH)") !=
        std::string::npos);
  CHECK(run_pipectl("stages --plugin").exit_code == 2);

  // The fixture graph with a watermark between render and encode: unknown without the plugin.
  fs::path graph = test::write_fixture_graph(out.path() / "marked.graph", test::stored_fixtures(),
                                             "node mark : watermark text=\"@bad_next_page\" corner=top-left scale=2");
  auto unknown = run_pipectl("check " + test::shell_quote(graph.string()));
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("unknown stage 'watermark'") != std::string::npos);
  CHECK(unknown.output.find("give --plugin FILE, or name the file or its folder in PIPECTL_PLUGIN_PATH") !=
        std::string::npos);
  // One unknown stage, one error: the nodes around it are still connected.
  CHECK(unknown.output.find(": error: ") == unknown.output.rfind(": error: "));
  CHECK(run_pipectl("check " + test::shell_quote(graph.string()) + " --plugin " + test::shell_quote(plugin)).exit_code ==
        0);
  auto run = run_pipectl("run " + test::shell_quote(graph.string()) + " --plugin " + test::shell_quote(plugin) +
                         " --handles bad_next_page --date 2026-11-24 --out " +
                         test::shell_quote((out.path() / "videos").string()));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(test::probe_video(out.path() / "videos/bad_next_page/2026-11-24.mp4").frames == 4 * 30);
}

TEST_CASE("an output folder or events file that cannot be written is refused at the start, naming it (exit 2)",
          "[faults]") {
  test::TempDir folder("pipectl-cli-unwritable");
  const fs::path graph = write_fixture_graph(folder.path());
  const fs::path blocker = folder.path() / "a-file";
  std::ofstream(blocker) << "not a folder";
  const fs::path out = folder.path() / "videos";
  auto run_line = [&](const fs::path& out_dir, const std::string& options) {
    return test::shell_quote(pipectl_binary()) + " run " + test::shell_quote(graph.string()) +
           " --handles broken_posts --date 2026-11-24 --out " + test::shell_quote(out_dir.string()) + " " + options;
  };
  // Nothing was started: no handle's line, no folder of a handle.
  auto check_no_work = [&](const test::CommandResult& result, const fs::path& out_dir) {
    CHECK(result.output.find("broken_posts: running") == std::string::npos);
    CHECK_FALSE(fs::exists(out_dir / "broken_posts"));
  };

  SECTION("an output folder under a regular file (ENOTDIR)") {
    auto result = test::run_command(run_line(blocker / "videos", ""));
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK(result.output.find("pipectl run: cannot create the output folder " + (blocker / "videos").string() +
                             ": not a directory") != std::string::npos);
  }
  SECTION("an events file under a regular file (ENOTDIR)") {
    auto result = test::run_command(run_line(out, "--events " + test::shell_quote((blocker / "e.jsonl").string())));
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK(result.output.find("pipectl run: cannot write the events file " + (blocker / "e.jsonl").string() +
                             ": not a directory") != std::string::npos);
    check_no_work(result, out);
  }
  // A folder that exists but refuses writes. Permissions do not stop root, so the folder is a
  // read-only tmpfs mounted in the command's own mount namespace (support/file_limits).
  SECTION("an output folder that exists but is read-only") {
    if (auto problem = test::own_filesystem_problem(); !problem.empty()) {
      return test::skip(problem);
    }
    fs::create_directories(out);
    auto result = test::run_command(test::with_own_filesystem(out, "ro", run_line(out, "")));
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK(result.output.find("pipectl run: cannot write in the output folder " + out.string() +
                             ": read-only file system") != std::string::npos);
    check_no_work(result, out);
  }
  SECTION("an events file in a read-only folder") {
    if (auto problem = test::own_filesystem_problem(); !problem.empty()) {
      return test::skip(problem);
    }
    const fs::path logs = folder.path() / "logs";
    fs::create_directories(logs);
    auto result = test::run_command(
        test::with_own_filesystem(logs, "ro", run_line(out, "--events " + test::shell_quote((logs / "e.jsonl").string()))));
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK(result.output.find("pipectl run: cannot write the events file " + (logs / "e.jsonl").string() +
                             ": read-only file system") != std::string::npos);
    check_no_work(result, out);
  }
}
