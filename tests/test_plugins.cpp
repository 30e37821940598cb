// Plugins: the example watermark plugin loads and its stage works in a real run; the loader
// refuses, naming the file and the reason, what is not a plugin for this pipectl.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>

#include "builtin.hpp"
#include "items/frame.hpp"
#include "pipectl/executor.hpp"
#include "pipectl/plugin.hpp"
#include "pipectl/plugin_loader.hpp"
#include "support/media_probe.hpp"
#include "support/fixture_graph.hpp"
#include "support/paths.hpp"

using namespace pipectl;
namespace fs = std::filesystem;

namespace {

std::string watermark_plugin() {
  const char* path = std::getenv("PIPECTL_WATERMARK_PLUGIN");
  if (!path || !*path) throw std::runtime_error("PIPECTL_WATERMARK_PLUGIN is not set: run the tests with 'meson test'");
  return path;
}

// The small refusing plugins of tests/fixtures/plugins/, built by tests/meson.build.
std::string fixture_plugin(const std::string& name) { return (test::build_dir() / "tests" / (name + ".so")).string(); }

Registry builtins() {
  Registry registry;
  register_builtin_stages(registry);
  return registry;
}

// The message of the PluginError that loading `path` throws; empty when it loads.
std::string refusal(const std::string& path, Registry& registry) {
  try {
    load_plugin(path, registry);
  } catch (const PluginError& error) {
    return error.what();
  }
  return {};
}

class Collect : public Emitter {
 public:
  void emit(Item item) override { items.push_back(std::move(item)); }
  std::vector<Item> items;
};

// A flat mid-grey 320x180 frame.
items::Frame grey_frame() {
  items::Frame frame;
  frame.width = 320;
  frame.height = 180;
  frame.y.assign(320 * 180, 120);
  frame.u.assign(160 * 90, 100);
  frame.v.assign(160 * 90, 160);
  frame.sequence = 7;
  frame.duration_seconds = 2.5;
  frame.label = "1234";
  return frame;
}

// The luma samples of a w x h rectangle at (x, y) of a width-wide plane.
std::vector<std::uint8_t> region(const std::vector<std::uint8_t>& plane, int width, int x, int y, int w, int h) {
  std::vector<std::uint8_t> out;
  for (int row = y; row < y + h; ++row)
    for (int column = x; column < x + w; ++column) out.push_back(plane[static_cast<size_t>(row * width + column)]);
  return out;
}

items::Frame stamp(const StageInfo& info, std::map<std::string, std::string> overrides) {
  std::map<std::string, std::string> values;
  for (const auto& spec : info.params) values[spec.name] = spec.default_value;
  for (auto& [name, value] : overrides) values[name] = value;
  auto stage = info.create(Params(values), RunContext{});
  Collect out;
  stage->process(Item::make(grey_frame()), out);
  REQUIRE(out.items.size() == 1);
  return out.items[0].as<items::Frame>();
}

}  // namespace

TEST_CASE("the watermark plugin loads and declares its stage like a built-in one") {
  Registry registry = builtins();
  LoadedPlugin plugin = load_plugin(watermark_plugin(), registry);
  CHECK(plugin.name == "watermark");
  CHECK(plugin.version == "1.0.0");
  CHECK(plugin.stages == std::vector<std::string>{"watermark"});

  const StageInfo* info = registry.find("watermark");
  REQUIRE(info != nullptr);
  REQUIRE(info->inputs.size() == 1);
  CHECK(info->inputs[0].item_type == "frame");
  REQUIRE(info->outputs.size() == 1);
  CHECK(info->outputs[0].item_type == "frame");
  std::map<std::string, const ParamSpec*> params;
  for (const auto& spec : info->params) params[spec.name] = &spec;
  REQUIRE(params.size() == 4);
  CHECK(params["text"]->type == ParamType::string);
  CHECK(params["text"]->default_value == "pipectl");
  CHECK(params["corner"]->default_value == "bottom-right");
  CHECK(params["opacity"]->type == ParamType::number);
  CHECK(params["opacity"]->default_value == "0.8");
  CHECK(*params["opacity"]->min == 0.0);
  CHECK(*params["opacity"]->max == 1.0);
  CHECK(params["scale"]->type == ParamType::integer);
  CHECK(params["scale"]->default_value == "4");
  CHECK(*params["scale"]->min == 1.0);
  CHECK(*params["scale"]->max == 16.0);
  // The built-ins are still there, and loading the same library into another registry works.
  CHECK(registry.find("encode") != nullptr);
  Registry other = builtins();
  CHECK(load_plugin(watermark_plugin(), other).stages.size() == 1);
}

TEST_CASE("the watermark stage stamps only its corner and keeps the frame's place") {
  Registry registry = builtins();
  load_plugin(watermark_plugin(), registry);
  const StageInfo& info = *registry.find("watermark");
  items::Frame original = grey_frame();

  items::Frame stamped = stamp(info, {});
  CHECK(stamped.sequence == 7);
  CHECK(stamped.duration_seconds == 2.5);
  CHECK(stamped.label == "1234");
  CHECK(stamped.width == 320);
  CHECK(stamped.height == 180);
  // Default: bottom-right. The opposite quadrant is untouched, the box holds dark and white.
  CHECK(region(stamped.y, 320, 0, 0, 160, 90) == region(original.y, 320, 0, 0, 160, 90));
  auto corner = region(stamped.y, 320, 160, 90, 160, 90);
  CHECK(corner != region(original.y, 320, 160, 90, 160, 90));
  CHECK(*std::min_element(corner.begin(), corner.end()) < 80);   // the box darkens grey 120
  CHECK(*std::max_element(corner.begin(), corner.end()) > 190);  // the text is near white
  // Chroma in the box moves toward neutral (128), chroma elsewhere stays.
  CHECK(stamped.u[0] == 100);
  CHECK(stamped.u[static_cast<size_t>(80 * 160 + 140)] > 100);
  CHECK(stamped.v[static_cast<size_t>(80 * 160 + 140)] < 160);

  // Each corner stamps its own quadrant only.
  struct Quadrant {
    const char* corner;
    int x, y;
  };
  for (Quadrant quadrant : {Quadrant{"top-left", 0, 0}, Quadrant{"top-right", 160, 0},
                            Quadrant{"bottom-left", 0, 90}, Quadrant{"bottom-right", 160, 90}}) {
    INFO(quadrant.corner);
    items::Frame frame = stamp(info, {{"corner", quadrant.corner}, {"text", "a1"}, {"scale", "2"}});
    for (int qx : {0, 160})
      for (int qy : {0, 90}) {
        bool own = qx == quadrant.x && qy == quadrant.y;
        CHECK((region(frame.y, 320, qx, qy, 160, 90) != region(original.y, 320, qx, qy, 160, 90)) == own);
      }
  }
  // opacity 0 leaves the frame as it was; an unknown corner is refused when the stage is made.
  CHECK(stamp(info, {{"opacity", "0"}}).y == original.y);
  std::map<std::string, std::string> bad;
  for (const auto& spec : info.params) bad[spec.name] = spec.default_value;
  bad["corner"] = "middle";
  CHECK_THROWS_WITH(info.create(Params(bad), RunContext{}), Catch::Contains("corner: 'middle' is not one of the values corner takes"));
}

TEST_CASE("a graph with the watermark plugin makes a video stamped in its corner only") {
  test::TempDir out("pipectl-plugins");
  auto run = [&](bool watermark) {
    Registry registry = builtins();
    load_plugin(watermark_plugin(), registry);
    std::string text = test::fixture_graph_text(
        test::stored_fixtures(), watermark ? "node mark : watermark text=\"pipectl 24\" corner=bottom-right" : "");
    Graph graph = parse_graph_text(text, "plugins.graph");
    auto problems = check_graph(graph, registry);
    INFO((problems.empty() ? std::string() : problems[0]));
    REQUIRE(problems.empty());
    fs::path folder = out.path() / (watermark ? "stamped" : "plain");
    RunOptions options;
    options.context.variables["handle"] = "bad_next_page";
    options.context.variables["date"] = "2026-11-24";
    options.context.variables["tz"] = "UTC";
    options.context.out_dir = folder.string();
    RunResult result = run_graph(graph, registry, options);
    INFO(result.error);
    REQUIRE(result.ok);
    return folder / "bad_next_page" / "2026-11-24.mp4";
  };
  fs::path stamped = run(true);
  fs::path plain = run(false);
  CHECK(test::probe_video(stamped).frames == test::probe_video(plain).frames);

  for (double seconds : {0.5, 1.5}) {
    INFO("at " << seconds << " s");
    auto with = test::decode_luma_at(stamped, seconds, 320, 180);
    auto without = test::decode_luma_at(plain, seconds, 320, 180);
    // "PIPECTL 24" at scale 4 is 236x28 pixels plus padding: it fills most of the bottom right.
    double box = test::psnr(region(without, 320, 200, 140, 100, 30), region(with, 320, 200, 140, 100, 30));
    double opposite = test::psnr(region(without, 320, 0, 0, 100, 60), region(with, 320, 0, 0, 100, 60));
    INFO("box PSNR " << box << " dB, opposite corner PSNR " << opposite << " dB");
    CHECK(box < 20.0);
    CHECK(opposite > 30.0);  // x264 spends its bits a little differently, but the picture is the same
  }
}

TEST_CASE("the loader refuses what is not a plugin for this pipectl, naming the file and why") {
  Registry registry = builtins();
  size_t stages = registry.names().size();

  std::string wrong_abi = fixture_plugin("plugin-wrong-abi");
  auto message = refusal(wrong_abi, registry);
  CHECK(message.find(wrong_abi + ": plugin ABI version " + std::to_string(PIPECTL_PLUGIN_ABI_VERSION + 1000) +
                     ", but this pipectl has ABI version " + std::to_string(PIPECTL_PLUGIN_ABI_VERSION)) == 0);

  std::string no_entry = fixture_plugin("plugin-no-entry");
  message = refusal(no_entry, registry);
  CHECK(message.find(no_entry + ": not a pipectl plugin: it exports no pipectl_plugin_v1()") == 0);

  std::string wrong_compiler = fixture_plugin("plugin-wrong-compiler");
  message = refusal(wrong_compiler, registry);
  CHECK(message.find(wrong_compiler + ": plugin 'wrong-compiler' was built by othercc 1.0, but this pipectl by ") == 0);

  std::string duplicate = fixture_plugin("plugin-duplicate-stage");
  message = refusal(duplicate, registry);
  CHECK(message.find(duplicate + ": plugin 'duplicate-stage' registers stage 'encode', but a stage of that name "
                                 "already exists") == 0);
  // All or nothing: the plugin's other stage was not added either.
  CHECK(registry.find("fixture-passthrough") == nullptr);
  CHECK(registry.names().size() == stages);

  // The same plugin twice in one registry is a duplicate too.
  load_plugin(watermark_plugin(), registry);
  message = refusal(watermark_plugin(), registry);
  CHECK(message.find("plugin 'watermark' registers stage 'watermark', but a stage of that name already exists") !=
        std::string::npos);

  test::TempDir folder("pipectl-plugin-files");
  std::string text_file = (folder.path() / "notes.so").string();
  std::ofstream(text_file) << "not an ELF file\n";
  message = refusal(text_file, registry);
  CHECK(message.find(text_file + ": cannot load as a plugin: ") == 0);
  CHECK(message.find("notes.so") != std::string::npos);

  std::string missing = (folder.path() / "missing.so").string();
  CHECK(refusal(missing, registry) == missing + ": no such plugin file (give the path to a .so built against pipectl's headers)");
  CHECK(refusal(folder.path().string(), registry).find(": is a folder, not a plugin file") != std::string::npos);
}

TEST_CASE("PIPECTL_PLUGIN_PATH names files and folders; a folder's *.so load in name order") {
  test::TempDir folder("pipectl-plugin-path");
  fs::copy_file(watermark_plugin(), folder.path() / "b-watermark.so");
  std::ofstream(folder.path() / "readme.txt") << "not a plugin, and not a .so: ignored\n";

  ::setenv("PIPECTL_PLUGIN_PATH", (":" + folder.path().string() + "::" + fixture_plugin("plugin-no-entry")).c_str(), 1);
  auto files = plugin_files_from_env();
  CHECK(files == std::vector<std::string>{(folder.path() / "b-watermark.so").string(), fixture_plugin("plugin-no-entry")});

  ::setenv("PIPECTL_PLUGIN_PATH", folder.path().string().c_str(), 1);
  Registry registry = builtins();
  auto loaded = load_plugins_from_env(registry);
  REQUIRE(loaded.size() == 1);
  CHECK(registry.find("watermark") != nullptr);

  std::string nowhere = (folder.path() / "nowhere").string();
  ::setenv("PIPECTL_PLUGIN_PATH", nowhere.c_str(), 1);
  CHECK_THROWS_WITH(plugin_files_from_env(), nowhere + ": no such file or folder (named in PIPECTL_PLUGIN_PATH)");
  ::unsetenv("PIPECTL_PLUGIN_PATH");
  CHECK(plugin_files_from_env().empty());
}
