// Typed stage parameters: declared once with a default, a range and a line of documentation,
// checked when a graph is loaded, read by the stage through typed getters.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pipectl {

// `list` values are written [a, b, "c d"]: bare words or quoted strings, separated by commas.
enum class ParamType { integer, number, string, boolean, size, duration, list };

const char* to_string(ParamType type);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::string;
  std::string default_value;  // in graph-file syntax; empty string with required=true: must be set
  std::string doc;
  std::optional<double> min{};  // for integer, number, duration (seconds)
  std::optional<double> max{};
  bool required = false;
  std::vector<std::string> choices{};  // for string: the only values allowed; empty: any
  std::string unit{};  // what a number counts, for people: "bytes", "MiB", "pixels", "frames/s"
};

struct Size {
  int width = 0;
  int height = 0;
  friend bool operator==(const Size&, const Size&) = default;
};

// A `duration` parameter's value, as a settings field.
struct Duration {
  double seconds = 0;
  std::chrono::milliseconds milliseconds() const {
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
  }
};

// Parsers for the value syntax of graph files; each returns nullopt when `text` is not a value
// of that type. Durations accept "3s", "250ms", "2m", and plain seconds.
std::optional<std::int64_t> parse_integer(const std::string& text);
std::optional<double> parse_number(const std::string& text);
std::optional<bool> parse_boolean(const std::string& text);
std::optional<Size> parse_size(const std::string& text);
std::optional<double> parse_duration_seconds(const std::string& text);

// A list written [a, b, "c d"]: items are bare words or quoted strings (with \" and \\), separated
// by commas; a trailing comma and an empty list [] are allowed. When `text` is not a list, says
// why in `*why` (if given).
std::optional<std::vector<std::string>> parse_list(const std::string& text, std::string* why = nullptr);
// The list in the syntax parse_list reads, quoting only the items that need it.
std::string format_list(const std::vector<std::string>& items);

// A number as a person writes it: 0.1, 60, 1e+09 (no trailing zeros).
std::string format_number(double value);

// Why `text` is not a valid value for `spec`, or nullopt when it is.
std::optional<std::string> check_param_value(const ParamSpec& spec, const std::string& text);

// The resolved parameters of one node: every declared parameter has a value (given or default),
// already checked against its spec and with run variables ({handle}, {date}, ...) substituted.
class Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, std::string> values) : values_(std::move(values)) {}

  const std::string& text(const std::string& name) const;
  std::int64_t integer(const std::string& name) const;
  double number(const std::string& name) const;
  bool boolean(const std::string& name) const;
  Size size(const std::string& name) const;
  double duration_seconds(const std::string& name) const;
  std::vector<std::string> list(const std::string& name) const;

  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace pipectl
