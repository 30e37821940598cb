// The pipeline module's graph side: parameter values, the graph-file reader, the checker.
#include <catch2/catch.hpp>

#include "builtin.hpp"
#include "pipectl/graph.hpp"
#include "support/paths.hpp"

using namespace pipectl;

namespace {

// A registry of two small stages with typed ports and parameters, enough to exercise the checker.
Registry test_registry() {
  Registry registry;
  auto none = [](const Params&, const RunContext&) -> std::unique_ptr<Stage> { return nullptr; };
  registry.add(StageInfo{.name = "source", .summary = "s", .inputs = {}, .outputs = {{"out", "post"}},
                         .params = {{.name = "count", .type = ParamType::integer, .default_value = "1", .doc = "n",
                                     .min = 0, .max = 10}},
                         .create = none});
  registry.add(StageInfo{.name = "painter", .summary = "p", .inputs = {{"in", "post"}}, .outputs = {{"out", "frame"}},
                         .params = {{.name = "size", .type = ParamType::size, .default_value = "1920x1080", .doc = "s"},
                                    {.name = "card", .type = ParamType::duration, .default_value = "3s", .doc = "d"}},
                         .create = none});
  registry.add(StageInfo{.name = "sink", .summary = "k", .inputs = {{"in", "frame"}}, .outputs = {},
                         .params = {{.name = "path", .type = ParamType::string, .default_value = "", .doc = "p",
                                     .required = true}},
                         .create = none});
  return registry;
}

std::vector<std::string> check(const std::string& text) {
  return check_graph(parse_graph_text(text, "t.graph"), test_registry());
}

const char* good_graph = R"(# a comment
set date = 2026-11-24
node a : source count=3
node b : painter size=1080x1920 card="2.5s"   # trailing comment
node c : sink path="{out}/{handle}.mp4"
a -> b.in
b.out -> c
)";

}  // namespace

TEST_CASE("parameter values parse by type") {
  CHECK(parse_size("1920x1080")->width == 1920);
  CHECK_FALSE(parse_size("1920*1080"));
  CHECK_FALSE(parse_size("0x10"));
  CHECK(*parse_duration_seconds("3s") == Approx(3.0));
  CHECK(*parse_duration_seconds("250ms") == Approx(0.25));
  CHECK(*parse_duration_seconds("2m") == Approx(120.0));
  CHECK_FALSE(parse_duration_seconds("-1s"));
  CHECK_FALSE(parse_duration_seconds("soon"));
  CHECK(*parse_integer("42") == 42);
  CHECK_FALSE(parse_integer("4.2"));
  CHECK(*parse_boolean("true"));
  CHECK_FALSE(parse_boolean("maybe"));
  ParamSpec fps{.name = "fps", .type = ParamType::integer, .default_value = "30", .doc = "", .min = 1, .max = 120};
  CHECK_FALSE(check_param_value(fps, "60"));
  CHECK(check_param_value(fps, "500")->find("maximum") != std::string::npos);
  CHECK(check_param_value(fps, "fast")->find("not an integer") != std::string::npos);
}

TEST_CASE("a sound graph parses with nodes, ports, parameters and defaults") {
  Graph graph = parse_graph_text(good_graph, "t.graph");
  REQUIRE(graph.nodes.size() == 3);
  CHECK(graph.nodes[1].stage == "painter");
  CHECK(graph.nodes[1].params.at("card").text == "2.5s");
  CHECK(graph.nodes[1].params.at("card").location.line == 4);
  REQUIRE(graph.edges.size() == 2);
  CHECK(graph.edges[0].to_port == "in");
  CHECK(graph.edges[1].from_port == "out");
  CHECK(graph.variables.at("date") == "2026-11-24");
  CHECK(check_graph(graph, test_registry()).empty());
}

TEST_CASE("chains of edges on one line") {
  Graph graph = parse_graph_text("node a : source\nnode b : painter\nnode c : sink path=x\na -> b -> c\n", "t.graph");
  CHECK(graph.edges.size() == 2);
  CHECK(check_graph(graph, test_registry()).empty());
}

TEST_CASE("syntax errors name file, line and column and quote the line") {
  try {
    parse_graph_text("node a : source\nnode b painter\n", "bad.graph");
    FAIL("no error");
  } catch (const GraphError& error) {
    std::string message = error.what();
    CHECK(message.find("bad.graph:2:8: error: expected ':'") == 0);
    CHECK(message.find("    node b painter\n           ^") != std::string::npos);
  }
  CHECK_THROWS_WITH(parse_graph_text("node a : source path=\"open\n", "q.graph"),
                    Catch::Contains("q.graph:1:22") && Catch::Contains("unterminated string"));
  CHECK_THROWS_WITH(parse_graph_text("node a : source\nnode a : sink\n", "d.graph"),
                    Catch::Contains("d.graph:2:6") && Catch::Contains("declared twice"));
  CHECK_THROWS_WITH(parse_graph_text("a b\n", "e.graph"), Catch::Contains("e.graph:1:3") && Catch::Contains("'->'"));
}

TEST_CASE("the checker finds every kind of mistake and suggests names") {
  auto has = [](const std::vector<std::string>& errors, const std::string& text) {
    for (const auto& error : errors)
      if (error.find(text) != std::string::npos) return true;
    return false;
  };
  auto errors = check("node a : sorce\n");
  CHECK(has(errors, "t.graph:1:10: error: unknown stage 'sorce' (did you mean 'source'?)"));

  errors = check("node a : source cuont=2\nnode b : painter\nnode c : sink path=x\na -> b -> c\n");
  CHECK(has(errors, "t.graph:1:23: error: stage 'source' has no parameter 'cuont' (did you mean 'count'?)"));

  errors = check("node a : source count=11\nnode b : painter size=big\nnode c : sink path=x\na -> b -> c\n");
  CHECK(has(errors, "t.graph:1:23: error: '11' is above the maximum"));
  CHECK(has(errors, "t.graph:2:23: error: 'big' is not a size"));

  errors = check("node a : source\nnode c : sink path=x\na -> c\n");
  CHECK(has(errors, "gives post items but 'c.in' takes frame items"));

  errors = check("node a : source\nnode b : painter\nnode c : sink\na -> b\n");
  CHECK(has(errors, "input 'c.in' (frame items) is not connected"));
  CHECK(has(errors, "node 'c' must set parameter 'path'"));

  errors = check("node a : source\nnode b : painter\nnode c : sink path=x\na -> b -> c\nb -> d\n");
  CHECK(has(errors, "t.graph:5:6: error: unknown node 'd'"));

  errors = check("node a : source\nnode b : painter\nnode c : sink path=x\na -> b.inn\nb -> c\n");
  CHECK(has(errors, "has no input port 'inn' (did you mean 'in'?)"));

  errors = check("node b : painter\nnode p : painter\nb -> p\np -> b\n");
  CHECK(has(errors, "closes a cycle"));
  CHECK(has(errors, "gives frame items but"));

  CHECK(has(check(""), "the graph has no nodes"));
}

TEST_CASE("an unknown stage is one error, saying how to load a plugin's stage") {
  // Its edges still connect the known nodes' ports: no "input 'c.in' is not connected" besides.
  auto errors = check("node a : source\nnode m : marker\nnode c : sink path=x\na -> m -> c\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("t.graph:2:10: error: unknown stage 'marker'") == 0);
  CHECK(errors[0].find("--plugin FILE") != std::string::npos);
  CHECK(errors[0].find("PIPECTL_PLUGIN_PATH") != std::string::npos);
  // The same when the unknown stage is where the graph starts or ends.
  CHECK(check("node s : sorcerer\nnode b : painter\nnode c : sink path=x\ns -> b -> c\n").size() == 1);
  CHECK(check("node a : source\nnode b : painter\nnode k : sinker\na -> b -> k\n").size() == 1);
}

TEST_CASE("variables substitute by name and leave unknown ones alone") {
  std::map<std::string, std::string> variables{{"handle", "nasa"}, {"date", "2026-11-24"}};
  CHECK(substitute_variables("{out}/{handle}/{date}.mp4", variables) == "{out}/nasa/2026-11-24.mp4");
  CHECK(nearest_name("rendr", {"render", "encode", "fetch"}) == "render");
  CHECK(nearest_name("xyzzy", {"render", "encode"}).empty());
}

TEST_CASE("the shipped graph files are sound") {
  Registry registry;
  register_builtin_stages(registry);
  for (const char* name : {"graphs/demo.graph", "graphs/daily.graph", "graphs/mastodon.graph"}) {
    INFO(name);
    Graph graph = parse_graph_file((pipectl::test::source_dir() / name).string());
    CHECK(check_graph(graph, registry).empty());
    CHECK(graph.nodes.size() == 4);
    CHECK(graph.edges.size() == 3);
  }
  CHECK_THROWS_WITH(parse_graph_file("/nonexistent/x.graph"), Catch::Contains("/nonexistent/x.graph"));
}

// ---- lists, continued lines, --set overrides ----

namespace {

// test_registry() plus a stage with a list parameter.
Registry list_registry() {
  Registry registry = test_registry();
  auto none = [](const Params&, const RunContext&) -> std::unique_ptr<Stage> { return nullptr; };
  registry.add(StageInfo{.name = "tagger", .summary = "t", .inputs = {{"in", "frame"}}, .outputs = {},
                         .params = {{.name = "tags", .type = ParamType::list, .default_value = "[]", .doc = "t"},
                                    {.name = "size", .type = ParamType::size, .default_value = "1x1", .doc = "s"}},
                         .create = none});
  return registry;
}

bool has_error(const std::vector<std::string>& errors, const std::string& text) {
  for (const auto& error : errors)
    if (error.find(text) != std::string::npos) return true;
  return false;
}

const char* list_graph_head = "node a : source\nnode b : painter\na -> b -> t\n";

}  // namespace

TEST_CASE("list values: syntax, round trip, type checks, getter") {
  CHECK(std::string(to_string(ParamType::list)) == "list");
  using Items = std::vector<std::string>;
  CHECK(*parse_list("[a, b, \"c d\"]") == Items{"a", "b", "c d"});
  CHECK(*parse_list("[]") == Items{});
  CHECK(*parse_list("  [ x ,y, ]  ") == Items{"x", "y"});
  CHECK(*parse_list(R"([ "q\"uote", "back\\slash", "", "日本" ])") == Items{"q\"uote", "back\\slash", "", "日本"});
  std::string why;
  CHECK_FALSE(parse_list("a, b", &why));
  CHECK(why == "a list starts with '['");
  CHECK_FALSE(parse_list("[a, b", &why));
  CHECK(why == "the list has no closing ']'");
  CHECK_FALSE(parse_list("[a,,b]", &why));
  CHECK(why == "an item is missing before ','");
  CHECK_FALSE(parse_list("[a b]", &why));
  CHECK(why == "expected ',' or ']' after item 'a'");
  CHECK_FALSE(parse_list("[[a]]", &why));
  CHECK(why == "lists do not nest");
  CHECK_FALSE(parse_list("[\"a]", &why));
  CHECK(why == "an item has no closing '\"'");
  CHECK_FALSE(parse_list("[a] b", &why));
  CHECK(why == "unexpected text after the closing ']'");

  Items nasty{"plain", "two words", "", "q\"uote", "back\\slash", "a,b", "{out}/x", "日本", "[x]"};
  CHECK(*parse_list(format_list(nasty)) == nasty);
  CHECK(format_list({"a", "b.c", "d e"}) == "[a, b.c, \"d e\"]");
  CHECK(format_list({}) == "[]");

  ParamSpec tags{.name = "tags", .type = ParamType::list, .default_value = "[]", .doc = ""};
  CHECK_FALSE(check_param_value(tags, "[a, \"b c\"]"));
  CHECK(*check_param_value(tags, "a") ==
        "'a' is not a list: a list starts with '[' (tags takes a list, e.g. [a, b, \"c d\"])");
  CHECK(check_param_value(tags, "[a,")->find("no closing ']'") != std::string::npos);

  Params params({{"tags", "[x, \"y z\"]"}, {"bad", "[x"}});
  CHECK(params.list("tags") == Items{"x", "y z"});
  CHECK_THROWS_AS(params.list("bad"), std::invalid_argument);
}

TEST_CASE("lists in graph files: parsed, kept in one form, errors at their place") {
  Graph graph = parse_graph_text(std::string(list_graph_head) +
                                     "node t : tagger tags=[a,  \"b c\" ,d.e, {handle}/x,] size=2x2\n", "t.graph");
  const ParamValue& tags = graph.find("t")->params.at("tags");
  CHECK(tags.text == "[a, \"b c\", d.e, \"{handle}/x\"]");
  CHECK(tags.location.line == 4);
  CHECK(tags.location.column == 22);
  CHECK(check_graph(graph, list_registry()).empty());

  // A comma outside brackets is still part of a word, as before lists existed.
  Graph commas = parse_graph_text("node c : sink path=a,b\n", "t.graph");
  CHECK(commas.find("c")->params.at("path").text == "a,b");
  CHECK(parse_graph_text("node t : tagger tags=[]\n", "t.graph").find("t")->params.at("tags").text == "[]");

  auto fails = [](const std::string& line, const std::string& message) {
    CHECK_THROWS_WITH(parse_graph_text("node a : source\n" + line + "\n", "l.graph"), Catch::StartsWith(message));
  };
  fails("node t : tagger tags=[a b]", "l.graph:2:25: error: expected ',' or ']' after list item 'a'");
  fails("node t : tagger tags=[a, b", "l.graph:2:22: error: the list of parameter 'tags' is not closed: add ']'");
  fails("node t : tagger tags=[a, [b]]", "l.graph:2:26: error: lists do not nest");
  fails("node t : tagger tags=[a, =]", "l.graph:2:26: error: expected a list item");
  fails("node t : tagger tags=]", "l.graph:2:22: error: unexpected character ']'");
  fails("set x = [a]", "l.graph:2:9: error: expected a value");

  // The checker: a list where another type is expected, a word where a list is, and the
  // syntax of a list holding {variables}, which does not wait for the run.
  auto errors = check_graph(parse_graph_text(std::string(list_graph_head) + "node t : tagger tags=x size=[1, 2]\n",
                                             "t.graph"),
                            list_registry());
  CHECK(has_error(errors, "t.graph:4:22: error: 'x' is not a list: a list starts with '['"));
  CHECK(has_error(errors, "t.graph:4:29: error: '[1, 2]' is not a size"));
  errors = check_graph(parse_graph_text(std::string(list_graph_head) + "node t : tagger tags=\"[{handle}\"\n", "t.graph"),
                       list_registry());
  CHECK(has_error(errors, "t.graph:4:22: error: '[{handle}' is not a list: the list has no closing ']'"));
}

TEST_CASE("a line ending in a backslash continues on the next; errors keep their line and column") {
  const char* text = "node a : source \\\n"
                     "    count=3\n"
                     "node b : painter size=1080x1920 \\   \n"
                     "               card=2s  \\\n"
                     "\n"
                     "node t : tagger tags=[one, \\\n"
                     "                      \"two words\"]\n"
                     "a -> b \\\n"
                     "  -> t   # a comment ending in a backslash does not continue \\\n"
                     "node c : source count=2\n";
  Graph graph = parse_graph_text(text, "c.graph");
  REQUIRE(graph.nodes.size() == 4);
  CHECK(graph.lines.size() == 10);  // the file's lines as they are, for quoting
  CHECK(graph.nodes[0].params.at("count").text == "3");
  CHECK(graph.nodes[0].params.at("count").location.line == 2);
  CHECK(graph.nodes[0].params.at("count").location.column == 11);
  CHECK(graph.nodes[1].params.at("card").location.line == 4);
  CHECK(graph.nodes[1].params.at("card").location.column == 21);
  CHECK(graph.nodes[2].params.at("tags").text == "[one, \"two words\"]");
  CHECK(graph.nodes[2].params.at("tags").location.line == 6);
  CHECK(graph.nodes[3].location.line == 10);
  REQUIRE(graph.edges.size() == 2);
  CHECK(graph.edges[0].location.line == 8);
  CHECK(graph.edges[1].location.line == 9);
  CHECK(graph.edges[1].location.column == 6);
  CHECK(check_graph(graph, list_registry()).empty());

  // Check errors in a continued line point into that line and quote it.
  auto errors = check_graph(parse_graph_text("node a : source\nnode b : painter \\\n  size=big\nnode c : sink path=x\n"
                                             "a -> b -> c\n", "c.graph"),
                            test_registry());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "c.graph:3:8: error: 'big' is not a size (use WIDTHxHEIGHT, e.g. 1920x1080)\n"
                     "      size=big\n"
                     "           ^");

  try {
    parse_graph_text("node a : source\nnode b : painter \\\n  size 5\n", "c.graph");
    FAIL("no error");
  } catch (const GraphError& error) {
    CHECK(std::string(error.what()) == "c.graph:3:8: error: expected '=' after parameter 'size'\n"
                                       "      size 5\n"
                                       "           ^");
  }
  CHECK_THROWS_WITH(parse_graph_text("node a : source \\ count=1\n", "c.graph"),
                    Catch::StartsWith("c.graph:1:17: error: unexpected '\\'"));
  CHECK_THROWS_WITH(parse_graph_text("node a : source\nnode b : painter \\", "c.graph"),
                    Catch::StartsWith("c.graph:2:18: error: the last line ends with '\\'"));
  CHECK_THROWS_WITH(parse_graph_text("node a : source path=\"a \\\n b\"\n", "c.graph"),
                    Catch::StartsWith("c.graph:1:22: error: unterminated string"));
  // Line numbers after a continued statement are still those of the file.
  CHECK_THROWS_WITH(parse_graph_text("node a : source \\\n count=1\nnode a : sink\n", "c.graph"),
                    Catch::StartsWith("c.graph:3:6: error: node 'a' is declared twice (first on line 1)"));
}

TEST_CASE("--set overrides: replace or add parameters; every mistake names the option") {
  Graph graph = parse_graph_text(good_graph, "t.graph");
  apply_overrides(graph, {"a.count=5", "b.card=1s", "b.card=4s", "c.path=elsewhere/{handle}.mp4"});
  CHECK(graph.find("a")->params.at("count").text == "5");
  CHECK(graph.find("a")->params.at("count").location.file == "--set a.count=5");
  CHECK(graph.find("a")->params.at("count").location.line == 0);
  CHECK(graph.find("b")->params.at("card").text == "4s");  // the last one wins
  CHECK(graph.find("b")->params.at("size").text == "1080x1920");  // untouched
  CHECK(check_graph(graph, test_registry()).empty());

  // A parameter the file does not set, here a required one the file forgot.
  Graph missing = parse_graph_text("node a : source\nnode b : painter\nnode c : sink\na -> b -> c\n", "t.graph");
  CHECK(has_error(check_graph(missing, test_registry()), "must set parameter 'path'"));
  apply_overrides(missing, {"c.path=out.mp4", "b.card=", "a.count=="});
  CHECK(missing.find("b")->params.at("card").text.empty());
  CHECK(missing.find("a")->params.at("count").text == "=");
  auto errors = check_graph(missing, test_registry());
  CHECK_FALSE(has_error(errors, "must set parameter 'path'"));
  CHECK(has_error(errors, "--set b.card=: error: '' is not a duration"));
  CHECK(has_error(errors, "--set a.count==: error: '=' is not an integer"));

  auto throws = [](const std::string& set, const std::string& message) {
    Graph g = parse_graph_text(good_graph, "t.graph");
    CHECK_THROWS_WITH(apply_overrides(g, {"a.count=1", set}), message);
  };
  throws("bb.card=2s", "--set bb.card=2s: error: t.graph has no node 'bb' (did you mean 'b'?)");
  throws("render.card=2s", "--set render.card=2s: error: t.graph has no node 'render'");
  throws("b.card", "--set b.card: error: expected NODE.PARAM=VALUE, e.g. --set render.card=2s");
  throws("card=2s", "--set card=2s: error: 'card' is not NODE.PARAM (write --set NODE.PARAM=VALUE, e.g. --set "
                    "render.card=2s)");
  throws("b.=2s", "--set b.=2s: error: 'b.' is not NODE.PARAM (write --set NODE.PARAM=VALUE, e.g. --set "
                  "render.card=2s)");

  // Unknown parameters and bad values come from the checker, at the option.
  Graph checked = parse_graph_text(good_graph, "t.graph");
  apply_overrides(checked, {"b.crad=2s", "a.count=11", "b.size=big"});
  errors = check_graph(checked, test_registry());
  CHECK(errors.size() == 3);
  CHECK(has_error(errors, "--set b.crad=2s: error: stage 'painter' has no parameter 'crad' (did you mean 'card'?)"));
  CHECK(has_error(errors, "--set a.count=11: error: '11' is above the maximum of count (10)"));
  CHECK(has_error(errors, "--set b.size=big: error: 'big' is not a size"));

  // Lists.
  Graph lists = parse_graph_text(std::string(list_graph_head) + "node t : tagger\n", "t.graph");
  apply_overrides(lists, {"t.tags=[x, \"y z\"]"});
  CHECK(check_graph(lists, list_registry()).empty());
  apply_overrides(lists, {"t.tags=[x, "});
  CHECK(has_error(check_graph(lists, list_registry()),
                  "--set t.tags=[x, : error: '[x, ' is not a list: the list has no closing ']'"));
}
