#include "pipectl/params.hpp"

#include "quoted_string.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace pipectl {

const char* to_string(ParamType type) {
  switch (type) {
    case ParamType::integer: return "integer";
    case ParamType::number: return "number";
    case ParamType::string: return "string";
    case ParamType::boolean: return "boolean";
    case ParamType::size: return "size";
    case ParamType::duration: return "duration";
    case ParamType::list: return "list";
  }
  return "?";
}

std::optional<std::int64_t> parse_integer(const std::string& text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::optional<bool> parse_boolean(const std::string& text) {
  if (text == "true" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "no" || text == "off") return false;
  return std::nullopt;
}

std::optional<Size> parse_size(const std::string& text) {
  auto x = text.find('x');
  if (x == std::string::npos) return std::nullopt;
  auto width = parse_integer(text.substr(0, x));
  auto height = parse_integer(text.substr(x + 1));
  if (!width || !height || *width <= 0 || *height <= 0 || *width > 16384 || *height > 16384)
    return std::nullopt;
  return Size{static_cast<int>(*width), static_cast<int>(*height)};
}

std::optional<double> parse_duration_seconds(const std::string& text) {
  struct Unit {
    const char* suffix;
    double seconds;
  };
  // Longest suffixes first, so "ms" is not read as "m" followed by junk.
  static const Unit units[] = {{"ms", 0.001}, {"s", 1.0}, {"m", 60.0}, {"h", 3600.0}};
  for (const auto& unit : units) {
    std::string suffix = unit.suffix;
    if (text.size() > suffix.size() && text.ends_with(suffix)) {
      auto number = parse_number(text.substr(0, text.size() - suffix.size()));
      if (!number || *number < 0) return std::nullopt;
      return *number * unit.seconds;
    }
  }
  auto number = parse_number(text);
  if (!number || *number < 0) return std::nullopt;
  return number;
}

namespace {

bool is_list_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A bare list item runs up to the next space, comma, bracket or quote.
bool ends_bare_item(char c) { return is_list_space(c) || c == ',' || c == '[' || c == ']' || c == '"'; }

// Characters an item may hold and still be written bare: the bare words of the graph syntax.
// Items holding {variables} are quoted too, so a substituted value with a comma or a space
// stays one item.
bool needs_quotes(const std::string& item) {
  if (item.empty()) return true;
  for (char c : item) {
    auto u = static_cast<unsigned char>(c);
    bool plain = std::isalnum(u) || u >= 0x80 || c == '_' || c == '-' || c == '.' || c == '/' || c == '+' ||
                 c == '%';
    if (!plain) return true;
  }
  return false;
}

}  // namespace

std::optional<std::vector<std::string>> parse_list(const std::string& text, std::string* why) {
  auto fail = [&](const std::string& reason) -> std::optional<std::vector<std::string>> {
    if (why) *why = reason;
    return std::nullopt;
  };
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && is_list_space(text[i])) ++i;
  };
  skip_spaces();
  if (i == text.size() || text[i] != '[') return fail("a list starts with '['");
  ++i;
  std::vector<std::string> items;
  for (;;) {
    skip_spaces();
    if (i == text.size()) return fail("the list has no closing ']'");
    if (text[i] == ']') break;  // [] or a trailing comma
    std::string item;
    if (text[i] == '"') {
      auto quoted = read_quoted_string(text, i);
      if (!quoted) return fail("an item has no closing '\"'");
      item = std::move(*quoted);
    } else {
      while (i < text.size() && !ends_bare_item(text[i])) item += text[i++];
      if (item.empty()) {
        if (text[i] == '[') return fail("lists do not nest");
        if (text[i] == ',') return fail("an item is missing before ','");
        return fail("unexpected '" + std::string(1, text[i]) + "' in the list");
      }
    }
    items.push_back(std::move(item));
    skip_spaces();
    if (i == text.size()) return fail("the list has no closing ']'");
    if (text[i] == ']') break;
    if (text[i] != ',') return fail("expected ',' or ']' after item '" + items.back() + "'");
    ++i;
  }
  ++i;  // the ']'
  skip_spaces();
  if (i != text.size()) return fail("unexpected text after the closing ']'");
  return items;
}

std::string format_list(const std::vector<std::string>& items) {
  std::string text = "[";
  for (const auto& item : items) {
    if (text.size() > 1) text += ", ";
    if (!needs_quotes(item)) {
      text += item;
      continue;
    }
    text += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    text += '"';
  }
  return text + "]";
}

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::optional<std::string> check_param_value(const ParamSpec& spec, const std::string& text) {
  auto out_of_range = [&](double value) -> std::optional<std::string> {
    if (spec.min && value < *spec.min)
      return "'" + text + "' is below the minimum of " + spec.name + " (" + format_number(*spec.min) + ")";
    if (spec.max && value > *spec.max)
      return "'" + text + "' is above the maximum of " + spec.name + " (" + format_number(*spec.max) + ")";
    return std::nullopt;
  };
  switch (spec.type) {
    case ParamType::string: {
      if (spec.choices.empty() || text.find('{') != std::string::npos) return std::nullopt;
      for (const std::string& choice : spec.choices)
        if (text == choice) return std::nullopt;
      std::string known;
      for (const std::string& choice : spec.choices) known.append(known.empty() ? "" : ", ").append(choice);
      return "'" + text + "' is not one of the values " + spec.name + " takes (" + known + ")";
    }
    case ParamType::integer: {
      auto value = parse_integer(text);
      if (!value) return "'" + text + "' is not an integer (" + spec.name + " takes an integer, e.g. 30)";
      return out_of_range(static_cast<double>(*value));
    }
    case ParamType::number: {
      auto value = parse_number(text);
      if (!value) return "'" + text + "' is not a number (" + spec.name + " takes a number, e.g. 23.5)";
      return out_of_range(*value);
    }
    case ParamType::boolean:
      if (!parse_boolean(text)) return "'" + text + "' is not a boolean (use true or false)";
      return std::nullopt;
    case ParamType::size:
      if (!parse_size(text)) return "'" + text + "' is not a size (use WIDTHxHEIGHT, e.g. 1920x1080)";
      return std::nullopt;
    case ParamType::duration: {
      auto value = parse_duration_seconds(text);
      if (!value) return "'" + text + "' is not a duration (use e.g. 3s, 250ms, 2m)";
      return out_of_range(*value);
    }
    case ParamType::list: {
      std::string why;
      if (!parse_list(text, &why))
        return "'" + text + "' is not a list: " + why + " (" + spec.name + " takes a list, e.g. [a, b, \"c d\"])";
      return std::nullopt;
    }
  }
  return std::nullopt;
}

const std::string& Params::text(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("stage read undeclared parameter '" + name + "'");
  return it->second;
}

namespace {
template <class T>
T must(const std::optional<T>& value, const std::string& name, const std::string& text) {
  if (!value) throw std::invalid_argument("parameter " + name + ": bad value '" + text + "'");
  return *value;
}
}  // namespace

std::int64_t Params::integer(const std::string& name) const {
  return must(parse_integer(text(name)), name, text(name));
}
double Params::number(const std::string& name) const {
  return must(parse_number(text(name)), name, text(name));
}
bool Params::boolean(const std::string& name) const {
  return must(parse_boolean(text(name)), name, text(name));
}
Size Params::size(const std::string& name) const {
  return must(parse_size(text(name)), name, text(name));
}
double Params::duration_seconds(const std::string& name) const {
  return must(parse_duration_seconds(text(name)), name, text(name));
}
std::vector<std::string> Params::list(const std::string& name) const {
  return must(parse_list(text(name)), name, text(name));
}

}  // namespace pipectl
