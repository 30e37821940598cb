// The one declaration of a stage, in the style of libvips' argument tables and GStreamer's param
// specs: ports with their C++ item types, parameters bound to the fields of a settings struct
// (type, default, range, choices, unit, documentation), the run variables it reads, rules across
// parameters, the files it writes, and the class that runs it. `pipectl stages`, `check`,
// `--set`, `dot` and the settings the stage is built with all come from it, so a value that run
// would refuse is refused by check first.
//
//   struct WatermarkSettings { std::string text; double opacity = 0; };
//   pipectl::StageInfo watermark_stage() {
//     return pipectl::declare_stage<WatermarkSettings>("watermark", "Draws a mark on each frame")
//         .input(frames_in)
//         .output(frames_out)
//         .param("text", &WatermarkSettings::text, "pipectl", "the mark's text")
//         .param("opacity", &WatermarkSettings::opacity, "0.6", "how opaque the mark is").range(0, 1)
//         .rule({"text"}, "not empty", [](const WatermarkSettings& s, const pipectl::RunContext&)
//               -> std::optional<std::string> { if (s.text.empty()) return "the text is empty"; return {}; })
//         .creates<Watermark>();  // Watermark(const WatermarkSettings&, const pipectl::RunContext&)
//   }
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pipectl/params.hpp"
#include "pipectl/stage.hpp"

namespace pipectl {

namespace declaration {

template <class... T>
struct TypeList {};

// How a settings field of type T is written in a graph: its ParamType and its parser.
template <class T>
struct FieldType;
template <>
struct FieldType<bool> {
  static constexpr ParamType type = ParamType::boolean;
  static std::optional<bool> parse(const std::string& text) { return parse_boolean(text); }
};
template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
struct FieldType<T> {
  static constexpr ParamType type = ParamType::integer;
  static std::optional<T> parse(const std::string& text) {
    auto value = parse_integer(text);
    if (!value || !std::in_range<T>(*value)) return std::nullopt;
    return static_cast<T>(*value);
  }
};
template <>
struct FieldType<double> {
  static constexpr ParamType type = ParamType::number;
  static std::optional<double> parse(const std::string& text) { return parse_number(text); }
};
template <>
struct FieldType<std::string> {
  static constexpr ParamType type = ParamType::string;
  static std::optional<std::string> parse(const std::string& text) { return text; }
};
template <>
struct FieldType<std::filesystem::path> {
  static constexpr ParamType type = ParamType::string;
  static std::optional<std::filesystem::path> parse(const std::string& text) { return std::filesystem::path(text); }
};
template <>
struct FieldType<std::vector<std::string>> {
  static constexpr ParamType type = ParamType::list;
  static std::optional<std::vector<std::string>> parse(const std::string& text) { return parse_list(text); }
};
template <>
struct FieldType<Size> {
  static constexpr ParamType type = ParamType::size;
  static std::optional<Size> parse(const std::string& text) { return parse_size(text); }
};
template <>
struct FieldType<Duration> {
  static constexpr ParamType type = ParamType::duration;
  static std::optional<Duration> parse(const std::string& text) {
    auto seconds = parse_duration_seconds(text);
    if (!seconds) return std::nullopt;
    return Duration{*seconds};
  }
};

template <class T>
concept Field = requires { FieldType<T>::type; };

// Writes one parameter's text (already substituted) into its field; returns why it cannot.
template <class Settings>
using Binder = std::function<std::optional<std::string>(Settings&, const ParamSpec&, const std::string& text,
                                                        const RunContext&)>;

template <class Settings>
struct Rule {
  std::vector<std::string> params;  // the parameters it is about; the first locates its errors
  std::function<std::optional<std::string>(const Settings&, const RunContext&)> check;
};

template <class Settings>
struct Table {
  std::vector<ParamSpec> specs;
  std::vector<Binder<Settings>> binders;  // one per spec
  std::vector<std::pair<std::string, std::function<void(Settings&, const std::string&)>>> variables;
  std::vector<Rule<Settings>> rules;

  // The settings for `params`, with every problem found on the way; the settings are usable only
  // when there is none.
  std::pair<Settings, std::vector<ParamProblem>> bind(const Params& params, const RunContext& context) const {
    Settings settings{};
    std::vector<ParamProblem> problems;
    std::vector<std::string> bad;  // parameters whose value is unusable: their rules are not run
    for (size_t i = 0; i < specs.size(); ++i) {
      const ParamSpec& spec = specs[i];
      auto found = params.values().find(spec.name);
      const std::string& text = found != params.values().end() ? found->second : spec.default_value;
      std::optional<std::string> problem = check_param_value(spec, text);
      if (!problem) problem = binders[i](settings, spec, text, context);
      if (problem) {
        problems.push_back({spec.name, *problem});
        bad.push_back(spec.name);
      }
    }
    for (const auto& [name, assign] : variables) {
      auto found = context.variables.find(name);
      if (found == context.variables.end()) {
        problems.push_back({"", "the run defines no variable '" + name + "', which this stage reads"});
        continue;
      }
      assign(settings, found->second);
    }
    for (const auto& rule : rules) {
      bool usable = std::none_of(rule.params.begin(), rule.params.end(), [&](const std::string& name) {
        return std::find(bad.begin(), bad.end(), name) != bad.end();
      });
      if (!usable) continue;
      if (auto problem = rule.check(settings, context))
        problems.push_back({rule.params.empty() ? "" : rule.params.front(), *problem});
    }
    return {std::move(settings), std::move(problems)};
  }
};

// All problems as one message, "param: why; param: why", for create()'s exception.
inline std::string describe(const std::vector<ParamProblem>& problems) {
  std::string text;
  for (const auto& problem : problems) {
    if (!text.empty()) text += "; ";
    if (!problem.param.empty()) text.append(problem.param).append(": ");
    text += problem.message;
  }
  return text;
}

}  // namespace declaration

// The builder behind declare_stage(). Each call returns the declaration by value, so a chain
// reads top to bottom; `Inputs` grows with input(), for creates() to check the stage's types.
template <class Settings, class Inputs = declaration::TypeList<>>
class StageDeclaration {
 public:
  StageDeclaration(std::string name, std::string summary) {
    info_.name = std::move(name);
    info_.summary = std::move(summary);
  }

  template <ItemType T>
  auto input(Input<T> port) && {
    info_.inputs.push_back({std::string(port.name), std::string(T::item_type)});
    return with_inputs(std::move(*this), Inputs{}, port);
  }

  template <ItemType T>
  StageDeclaration output(Output<T> port) && {
    info_.outputs.push_back({std::string(port.name), std::string(T::item_type)});
    return std::move(*this);
  }

  // A parameter bound to `field`. `default_value` is written as in a graph file and may hold
  // {variables}; `doc` is one line for `pipectl stages`.
  template <declaration::Field T>
  StageDeclaration param(std::string name, T Settings::*field, std::string default_value, std::string doc) && {
    ParamSpec spec;
    spec.name = std::move(name);
    spec.type = declaration::FieldType<T>::type;
    spec.default_value = std::move(default_value);
    spec.doc = std::move(doc);
    table_->specs.push_back(std::move(spec));
    table_->binders.push_back([field](Settings& settings, const ParamSpec& spec, const std::string& text,
                                      const RunContext&) -> std::optional<std::string> {
      auto value = declaration::FieldType<T>::parse(text);
      if (!value) return "'" + text + "' is not a value " + spec.name + " can hold";
      settings.*field = std::move(*value);
      return std::nullopt;
    });
    return std::move(*this);
  }

  // A parameter that names one of an enum's values: its choices are the names.
  template <class E>
    requires std::is_enum_v<E>
  StageDeclaration param(std::string name, E Settings::*field, std::string default_value, std::string doc,
                         std::vector<std::pair<std::string, E>> names) && {
    ParamSpec spec;
    spec.name = std::move(name);
    spec.type = ParamType::string;
    spec.default_value = std::move(default_value);
    spec.doc = std::move(doc);
    for (const auto& entry : names) spec.choices.push_back(entry.first);
    table_->specs.push_back(std::move(spec));
    table_->binders.push_back([field, names](Settings& settings, const ParamSpec&, const std::string& text,
                                             const RunContext&) -> std::optional<std::string> {
      for (const auto& [known, value] : names)
        if (known == text) {
          settings.*field = value;
          return std::nullopt;
        }
      return "'" + text + "' is not a known value";  // check_param_value's choices say which
    });
    return std::move(*this);
  }

  // Modifiers of the parameter declared last.
  StageDeclaration range(std::optional<double> min, std::optional<double> max) && {
    last().min = min;
    last().max = max;
    return std::move(*this);
  }
  StageDeclaration choices(std::vector<std::string> values) && {
    last().choices = std::move(values);
    return std::move(*this);
  }
  StageDeclaration unit(std::string name) && {
    last().unit = std::move(name);
    return std::move(*this);
  }
  StageDeclaration required() && {
    last().required = true;
    return std::move(*this);
  }
  // A path parameter: a relative value is taken from the graph file's folder.
  StageDeclaration relative_to_graph() && {
    last().doc += " (relative to the graph file)";
    auto& binder = table_->binders.back();
    binder = [inner = std::move(binder)](Settings& settings, const ParamSpec& spec, const std::string& text,
                                         const RunContext& context) -> std::optional<std::string> {
      std::filesystem::path path = text;
      if (text.empty() || path.is_absolute() || context.graph_dir.empty()) return inner(settings, spec, text, context);
      return inner(settings, spec, (std::filesystem::path(context.graph_dir) / path).string(), context);
    };
    return std::move(*this);
  }

  // A run variable the stage reads (see RunContext::variables), bound to `field`.
  StageDeclaration variable(std::string name, std::string Settings::*field) && {
    info_.variables.push_back(name);
    table_->variables.push_back(
        {std::move(name), [field](Settings& settings, const std::string& value) { settings.*field = value; }});
    return std::move(*this);
  }

  // A rule on the bound settings: why they cannot be used, or nullopt. It is about `params`
  // (the first names where its error is reported) and runs only when their values are usable.
  StageDeclaration rule(std::vector<std::string> params,
                        std::function<std::optional<std::string>(const Settings&, const RunContext&)> check) && {
    table_->rules.push_back({std::move(params), std::move(check)});
    return std::move(*this);
  }

  // The files a completed node leaves (StageInfo::writes).
  StageDeclaration writes(std::function<std::vector<std::string>(const Settings&, const RunContext&)> files) && {
    writes_ = std::move(files);
    return std::move(*this);
  }

  // Process-wide setup (StageInfo::prepare_process).
  StageDeclaration prepare_process(std::function<void(const RunContext&)> setup) && {
    info_.prepare_process = std::move(setup);
    return std::move(*this);
  }

  // process() may run on several threads at once (Concurrency::parallel).
  StageDeclaration parallel() && {
    info_.concurrency = Concurrency::parallel;
    return std::move(*this);
  }

  // The finished declaration, for Registry::add. `S` is built as S(const Settings&, const
  // RunContext&) and must take exactly the declared input types.
  template <class S>
  StageInfo creates() && {
    check_input_types<S>(Inputs{});
    static_assert(std::is_constructible_v<S, const Settings&, const RunContext&>,
                  "a stage is built from (const Settings&, const RunContext&)");
    std::shared_ptr<const declaration::Table<Settings>> table = table_;
    info_.params = table->specs;
    info_.check = [table](const Params& params, const RunContext& context) {
      return table->bind(params, context).second;
    };
    info_.create = [table](const Params& params, const RunContext& context) -> std::unique_ptr<Stage> {
      auto [settings, problems] = table->bind(params, context);
      if (!problems.empty()) throw std::invalid_argument(declaration::describe(problems));
      return std::make_unique<S>(settings, context);
    };
    if (writes_)
      info_.writes = [table, files = writes_](const Params& params, const RunContext& context) {
        auto [settings, problems] = table->bind(params, context);
        if (!problems.empty()) return std::vector<std::string>{};
        return files(settings, context);
      };
    return std::move(info_);
  }

 private:
  template <class, class>
  friend class StageDeclaration;

  template <class... In, ItemType T>
  static StageDeclaration<Settings, declaration::TypeList<In..., T>> with_inputs(StageDeclaration&& from,
                                                                                 declaration::TypeList<In...>,
                                                                                 Input<T>) {
    StageDeclaration<Settings, declaration::TypeList<In..., T>> to("", "");
    to.info_ = std::move(from.info_);
    to.table_ = std::move(from.table_);
    to.writes_ = std::move(from.writes_);
    return to;
  }

  template <class S, class... In>
  static void check_input_types(declaration::TypeList<In...>) {
    static_assert(std::is_base_of_v<StageFor<In...>, S>,
                  "the stage class must derive from StageFor<the item types of its declared inputs, in order>");
  }

  ParamSpec& last() {
    if (table_->specs.empty()) throw std::logic_error("a parameter modifier before any parameter");
    return table_->specs.back();
  }

  StageInfo info_;
  std::shared_ptr<declaration::Table<Settings>> table_ = std::make_shared<declaration::Table<Settings>>();
  std::function<std::vector<std::string>(const Settings&, const RunContext&)> writes_;
};

// Starts the declaration of a stage whose parameters are the fields of `Settings`.
template <class Settings>
StageDeclaration<Settings> declare_stage(std::string name, std::string summary) {
  return StageDeclaration<Settings>(std::move(name), std::move(summary));
}

}  // namespace pipectl
