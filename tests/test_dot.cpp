// The dot writer, checked against Graphviz itself: `dot -Tsvg` must accept the output, and the
// SVG it draws must show every name and label as it was, however nasty.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>

#include "builtin.hpp"
#include "pipectl/dot.hpp"
#include "support/paths.hpp"

using namespace pipectl;
namespace fs = std::filesystem;

namespace {

Registry builtin_registry() {
  Registry registry;
  register_builtin_stages(registry);
  return registry;
}

// Stages with names a plugin could choose, one with two outputs, one with two inputs.
Registry nasty_registry() {
  Registry registry;
  auto none = [](const Params&, const RunContext&) -> std::unique_ptr<Stage> { return nullptr; };
  registry.add(StageInfo{.name = "split \"two\"", .summary = "s", .inputs = {},
                         .outputs = {{"left", "post"}, {"right<r>", "frame|raw"}},
                         .params = {{.name = "path", .type = ParamType::string, .default_value = "", .doc = "",
                                     .required = true},
                                    {.name = "count", .type = ParamType::integer, .default_value = "3", .doc = ""},
                                    {.name = "tags", .type = ParamType::list, .default_value = "[a, b]", .doc = ""}},
                         .create = none});
  registry.add(StageInfo{.name = "join{}", .summary = "j", .inputs = {{"in", "post"}, {"side", "frame|raw"}},
                         .outputs = {}, .params = {}, .create = none});
  return registry;
}

std::string long_value() {
  std::string value;
  for (int i = 0; i < 50; ++i) value += "segment" + std::to_string(i) + "/";
  return value;
}

// A graph no parser would produce (names with quotes, braces, unicode), built directly: the
// writer must cope with anything a Graph can hold.
Graph nasty_graph() {
  Graph graph;
  graph.file = "/tmp/we\"ird {dir}/na<s>ty|\\.graph";
  auto add = [&](std::string name, std::string stage, std::map<std::string, std::string> params) {
    Node node;
    node.name = std::move(name);
    node.stage = std::move(stage);
    for (auto& [key, text] : params) node.params[key] = ParamValue{text, {}};
    graph.nodes.push_back(std::move(node));
  };
  add("he said \"hi\"", "split \"two\"",
      {{"path", "C:\\dir\\{x}|<y> & \"z\""}, {"count", "3"}, {"tags", "[a,b]"}, {"extra", long_value()}});
  add("back\\slash{}|<>", "join{}", {});
  add("日本語ノード ☕", "split \"two\"", {{"path", "line1\nline2\ttab \x01"}, {"count", "03"}, {"tags", "[x]"}});
  add("node", "join{}", {});        // a DOT keyword
  add("a-b", "join{}", {{"bad", "\xff\xfe ok"}});  // not UTF-8
  add("a_b", "unknown stage", {});  // sanitises to the same id as a-b
  graph.edges.push_back(Edge{"he said \"hi\"", "left", "back\\slash{}|<>", "in", {}});
  graph.edges.push_back(Edge{"he said \"hi\"", "right<r>", "back\\slash{}|<>", "side", {}});
  graph.edges.push_back(Edge{"日本語ノード ☕", "left", "node", "in", {}});
  return graph;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string utf8(unsigned long code) {
  std::string out;
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
  return out;
}

unsigned long plain_space(unsigned long code) { return code == 0xA0 ? ' ' : code; }

// The text content of every <text> element of an SVG, XML entities decoded (Graphviz writes
// "-" as &#45; and runs of spaces as &#160;, which becomes a plain space here).
std::vector<std::string> svg_texts(const std::string& svg) {
  std::vector<std::string> texts;
  static const std::regex element("<text[^>]*>([^<]*)</text>");
  for (std::sregex_iterator it(svg.begin(), svg.end(), element), end; it != end; ++it) {
    std::string raw = (*it)[1], text;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        text += raw[i];
        continue;
      }
      size_t semicolon = raw.find(';', i);
      REQUIRE(semicolon != std::string::npos);
      std::string entity = raw.substr(i + 1, semicolon - i - 1);
      i = semicolon;
      if (entity == "amp") text += '&';
      else if (entity == "lt") text += '<';
      else if (entity == "gt") text += '>';
      else if (entity == "quot") text += '"';
      else if (entity == "apos") text += '\'';
      else if (entity.starts_with("#x")) text += utf8(plain_space(std::stoul(entity.substr(2), nullptr, 16)));
      else if (entity.starts_with("#")) text += utf8(plain_space(std::stoul(entity.substr(1))));
      else FAIL("unknown entity &" << entity << ";");
    }
    texts.push_back(text);
  }
  return texts;
}

struct Rendered {
  int exit_code = -1;
  std::string messages;  // what dot printed
  std::vector<std::string> texts;
};

// Runs the real Graphviz on `dot_text`.
Rendered render_svg(const std::string& dot_text) {
  test::TempDir folder("pipectl-dot");
  fs::path input = folder.path() / "graph.dot", output = folder.path() / "graph.svg";
  std::ofstream(input, std::ios::binary) << dot_text;
  auto result = test::run_command("dot -Tsvg " + test::shell_quote(input.string()) + " -o " +
                                  test::shell_quote(output.string()));
  Rendered rendered{result.exit_code, result.output, {}};
  if (result.exit_code == 0) rendered.texts = svg_texts(read_file(output));
  return rendered;
}

bool has_text(const std::vector<std::string>& texts, const std::string& wanted) {
  for (const auto& text : texts)
    if (text == wanted) return true;
  return false;
}

bool has_text_containing(const std::vector<std::string>& texts, const std::string& wanted) {
  for (const auto& text : texts)
    if (text.find(wanted) != std::string::npos) return true;
  return false;
}

// Every node statement's id, in order: "  ID [label=<...>];".
std::vector<std::string> node_ids(const std::string& dot_text) {
  std::vector<std::string> ids;
  static const std::regex statement(R"(\n  (\S+) \[label=<)");
  for (std::sregex_iterator it(dot_text.begin(), dot_text.end(), statement), end; it != end; ++it)
    ids.push_back((*it)[1]);
  return ids;
}

}  // namespace

TEST_CASE("Graphviz is installed (tools/setup installs graphviz)") {
  auto version = test::run_command("dot -V");
  INFO(version.output);
  REQUIRE(version.exit_code == 0);
}

TEST_CASE("demo.graph as DOT: Graphviz draws it with every node, stage and item type") {
  Registry registry = builtin_registry();
  Graph graph = parse_graph_file((test::source_dir() / "graphs/demo.graph").string());
  REQUIRE(check_graph(graph, registry).empty());
  std::string dot_text = to_dot(graph, registry);

  // Deterministic: a second graph read from the same file gives the same bytes.
  Registry again = builtin_registry();
  CHECK(to_dot(parse_graph_file((test::source_dir() / "graphs/demo.graph").string()), again) == dot_text);
  CHECK(node_ids(dot_text) == std::vector<std::string>{"n_fetch", "n_media", "n_render", "n_encode"});
  // Every parameter of demo.graph is its stage's default: none is shown.
  CHECK(dot_text.find(" = ") == std::string::npos);

  Rendered svg = render_svg(dot_text);
  INFO(dot_text << svg.messages);
  REQUIRE(svg.exit_code == 0);
  CHECK(svg.messages.empty());  // not even a warning
  for (const char* name : {"fetch", "media", "render", "encode", "download-media", "post", "frame", "demo.graph"})
    CHECK(has_text(svg.texts, name));

  // Parameters that differ from their defaults are shown, equal values written otherwise are not.
  apply_overrides(graph, {"render.card=2s", "encode.fps=30.0", "encode.crf=23.0", "fetch.dir=../data/sample"});
  dot_text = to_dot(graph, registry);
  CHECK(dot_text.find("card = 2s") != std::string::npos);
  CHECK(dot_text.find("crf = ") == std::string::npos);
  CHECK(dot_text.find("dir = ") == std::string::npos);
  CHECK(dot_text.find("fps = 30.0") != std::string::npos);  // not an integer: shown as written
}

TEST_CASE("nasty names and values: escaped, sanitised, shortened, and still drawn as they are") {
  Registry registry = nasty_registry();
  Graph graph = nasty_graph();
  std::string dot_text = to_dot(graph, registry);
  CHECK(to_dot(nasty_graph(), nasty_registry()) == dot_text);  // byte for byte

  auto ids = node_ids(dot_text);
  REQUIRE(ids.size() == graph.nodes.size());
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
  for (const auto& id : ids) CHECK(std::regex_match(id, std::regex("n_[A-Za-z0-9_]+")));
  CHECK(ids[4] == "n_a_b");
  CHECK(ids[5] == "n_a_b_2");

  Rendered svg = render_svg(dot_text);
  INFO(dot_text << svg.messages);
  REQUIRE(svg.exit_code == 0);
  for (const auto& node : graph.nodes) {
    CHECK(has_text(svg.texts, node.name));
    CHECK(has_text(svg.texts, node.stage));
  }
  CHECK(has_text(svg.texts, "na<s>ty|\\.graph"));
  // Values as written, a backslash and all; only parameters that differ from the defaults.
  CHECK(has_text(svg.texts, "path = C:\\dir\\{x}|<y> & \"z\""));
  CHECK_FALSE(has_text_containing(svg.texts, "count = "));  // "3" and "03" are both the default 3
  CHECK_FALSE(has_text_containing(svg.texts, "tags = [a,b]"));  // the default [a, b]
  CHECK(has_text(svg.texts, "tags = [x]"));
  // Control characters are shown as escapes, bytes that are not UTF-8 as U+FFFD.
  CHECK(has_text(svg.texts, "path = line1\\nline2\\ttab \\x01"));
  CHECK(has_text(svg.texts, "bad = \xEF\xBF\xBD\xEF\xBF\xBD ok"));
  // The long value: its first 39 characters and an ellipsis.
  CHECK(has_text(svg.texts, "extra = " + long_value().substr(0, 39) + "\xE2\x80\xA6"));
  CHECK_FALSE(has_text_containing(svg.texts, long_value()));
  // Edge labels: the item type, and the port names where a stage has several.
  CHECK(has_text(svg.texts, "left \xE2\x86\x92 in"));
  CHECK(has_text(svg.texts, "right<r> \xE2\x86\x92 side"));
  CHECK(has_text(svg.texts, "post"));
  CHECK(has_text(svg.texts, "frame|raw"));
}

TEST_CASE("a graph file with lists, continued lines and quoted values renders through Graphviz") {
  test::TempDir folder("pipectl-dot-file");
  fs::path file = folder.path() / "quoted.graph";
  std::ofstream(file) << "node fetch : fetch source=stored \\\n"
                         "    dir=\"{d} \\\"quoted\\\" back\\\\slash <b>&amp; caf\xC3\xA9 \xF0\x9F\x9A\x80\"\n"
                         "node media : download-media\n"
                         "node render : render size=1280x720 \\\n"
                         "    card=2s\n"
                         "node encode : encode path=\"{out}/{handle}/{date}.mp4\" preset=\"very fast\"\n"
                         "fetch -> media \\\n"
                         "    -> render -> encode\n";
  Registry registry = builtin_registry();
  Graph graph = parse_graph_file(file.string());
  std::string dot_text = to_dot(graph, registry);
  Rendered svg = render_svg(dot_text);
  INFO(dot_text << svg.messages);
  REQUIRE(svg.exit_code == 0);
  CHECK(has_text(svg.texts, "dir = {d} \"quoted\" back\\slash <b>&amp; caf\xC3\xA9 \xF0\x9F\x9A\x80"));
  CHECK(has_text(svg.texts, "size = 1280x720"));
  CHECK(has_text(svg.texts, "card = 2s"));
  CHECK(has_text(svg.texts, "preset = very fast"));
  CHECK_FALSE(has_text_containing(svg.texts, "source = "));
  CHECK_FALSE(has_text_containing(svg.texts, "path = "));
  for (const char* label : {"post", "media", "frame"}) CHECK(has_text(svg.texts, label));
}
