#include "pipectl/node_values.hpp"

namespace pipectl {

namespace {

// The {names} in `text` that `variables` does not define.
std::vector<std::string> unknown_variables(const std::string& text, const std::map<std::string, std::string>& variables) {
  std::vector<std::string> unknown;
  for (size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    auto close = text.find('}', open);
    if (close == std::string::npos) break;
    std::string name = text.substr(open + 1, close - open - 1);
    if (!variables.count(name)) unknown.push_back(name);
  }
  return unknown;
}

std::string names_of(const std::map<std::string, std::string>& variables) {
  std::string names;
  for (const auto& entry : variables) names.append(names.empty() ? "" : ", ").append(entry.first);
  return names.empty() ? "none" : names;
}

// A list's variables are substituted item by item, so a value holding a comma or a quote stays
// one item.
std::string substitute(const ParamSpec& spec, const std::string& text, const std::map<std::string, std::string>& variables) {
  if (spec.type == ParamType::list)
    if (auto items = parse_list(text)) {
      for (auto& item : *items) item = substitute_variables(item, variables);
      return format_list(*items);
    }
  return substitute_variables(text, variables);
}

}  // namespace

NodeValues node_values(const Graph& /*graph*/, const Node& node, const StageInfo& info,
                       const std::map<std::string, std::string>& variables) {
  NodeValues result;
  for (const auto& spec : info.params) {
    auto given = node.params.find(spec.name);
    const bool is_given = given != node.params.end();
    const SourceLocation& where = is_given ? given->second.location : node.location;
    const std::string& written = is_given ? given->second.text : spec.default_value;
    std::string in_words = is_given ? "'" + written + "'" : "the default of " + spec.name + ", '" + written + "',";
    auto unknown = unknown_variables(written, variables);
    if (!unknown.empty()) {
      result.problems.push_back({where, in_words + " uses the variable {" + unknown.front() +
                                            "}, which the run does not define (defined: " + names_of(variables) +
                                            "; a graph defines more with 'set NAME = VALUE')"});
      continue;
    }
    // A list's syntax does not depend on its variables: a broken one is reported as written.
    if (spec.type == ParamType::list && !parse_list(written)) {
      result.problems.push_back({where, check_param_value(spec, written).value_or("not a list")});
      continue;
    }
    std::string text = substitute(spec, written, variables);
    if (auto problem = check_param_value(spec, text)) {
      if (text != written) problem->append(" (from ").append(written).append(" with the run's variables)");
      result.problems.push_back({where, *problem});
      continue;
    }
    result.values[spec.name] = std::move(text);
  }
  for (const auto& name : info.variables)
    if (!variables.count(name))
      result.problems.push_back({node.stage_location, "stage '" + info.name + "' reads the run variable '" + name +
                                                          "', which the run does not define"});
  return result;
}

std::map<std::string, std::string> stand_in_run_variables() {
  return {{"handle", "example"}, {"date", "2024-01-01"}, {"tz", "UTC"}, {"out", "out"}};
}

std::map<std::string, std::string> merge_variables(const Graph& graph, const std::map<std::string, std::string>& run) {
  std::map<std::string, std::string> variables = graph.variables;
  for (const auto& [name, value] : run) variables[name] = value;
  return variables;
}

RunContext check_context(const Graph& graph, const std::map<std::string, std::string>& variables) {
  RunContext context;
  context.variables = variables;
  if (auto out = variables.find("out"); out != variables.end()) context.out_dir = out->second;
  context.graph_dir = graph.folder();
  return context;
}

}  // namespace pipectl
