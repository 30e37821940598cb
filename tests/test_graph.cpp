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

TEST_CASE("variables substitute by name and leave unknown ones alone") {
  std::map<std::string, std::string> variables{{"handle", "nasa"}, {"date", "2026-11-24"}};
  CHECK(substitute_variables("{out}/{handle}/{date}.mp4", variables) == "{out}/nasa/2026-11-24.mp4");
  CHECK(nearest_name("rendr", {"render", "encode", "fetch"}) == "render");
  CHECK(nearest_name("xyzzy", {"render", "encode"}).empty());
}

TEST_CASE("the shipped graph files are sound") {
  Registry registry;
  register_builtin_stages(registry);
  for (const char* name : {"graphs/demo.graph", "graphs/daily.graph"}) {
    INFO(name);
    Graph graph = parse_graph_file((pipectl::test::source_dir() / name).string());
    CHECK(check_graph(graph, registry).empty());
    CHECK(graph.nodes.size() == 4);
    CHECK(graph.edges.size() == 3);
  }
  CHECK_THROWS_WITH(parse_graph_file("/nonexistent/x.graph"), Catch::Contains("/nonexistent/x.graph"));
}
