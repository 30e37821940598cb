// Graphviz DOT output of a graph. Labels are HTML-like (label=<...>) rather than quoted
// strings: in a quoted label Graphviz expands \N, \G, \l and friends, and a record shape
// gives {, }, | and < > meanings of their own, whereas an HTML-like label needs only the
// XML escapes, and its tables lay out the name, the stage and the parameters cleanly.
#include "pipectl/dot.hpp"

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace pipectl {

namespace {

const char* const replacement_character = "\xEF\xBF\xBD";  // U+FFFD

// The code points of `text`, each as its UTF-8 bytes. Each byte that does not start a valid
// sequence (stray continuation bytes, overlong forms, surrogates, beyond U+10FFFF) becomes
// U+FFFD on its own: Graphviz rejects input that is not UTF-8.
std::vector<std::string> code_points(const std::string& text) {
  std::vector<std::string> result;
  size_t i = 0;
  while (i < text.size()) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (lead < 0x80) length = 1;
    else if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // overlong
      if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;   // overlong
      if (lead == 0xF4) high = 0x8F;  // beyond U+10FFFF
    }
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) {
      unsigned char c = byte(i + k);
      valid = k == 1 ? (c >= low && c <= high) : (c >= 0x80 && c <= 0xBF);
    }
    if (valid) {
      result.push_back(text.substr(i, length));
      i += length;
    } else {
      result.push_back(replacement_character);
      ++i;
    }
  }
  return result;
}

// `text` as the content of an HTML-like label, cut to `max_length` code points (the last one
// an ellipsis) when longer.
std::string label_text(const std::string& text, size_t max_length) {
  auto points = code_points(text);
  if (points.size() > max_length && max_length > 0) {
    points.resize(max_length - 1);
    points.push_back("\xE2\x80\xA6");  // …
  }
  std::string out;
  for (const auto& point : points) {
    if (point.size() > 1) {
      out += point;
      continue;
    }
    char c = point[0];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          // XML 1.0 has no way to write these: show them as a C escape.
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out;
}

// Names, stage types and port names are short, but any of them may come from a plugin.
constexpr size_t max_name_length = 60;

// A DOT id made of [A-Za-z0-9_] only, unique in `taken`. The "n_" prefix keeps ids from
// starting with a digit or being a DOT keyword (node, edge, graph, ...).
std::string node_id(const std::string& name, std::set<std::string>& taken) {
  std::string id = "n_";
  for (char c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    id += plain ? c : '_';
  }
  std::string unique = id;
  for (int suffix = 2; !taken.insert(unique).second; ++suffix) unique = id + "_" + std::to_string(suffix);
  return unique;
}

// Whether two texts are the same value of `spec`'s type: "3.0" is the default "3", and
// [a,b] is [a, b].
bool same_value(const ParamSpec& spec, const std::string& a, const std::string& b) {
  if (a == b) return true;
  switch (spec.type) {
    case ParamType::integer: {
      auto x = parse_integer(a), y = parse_integer(b);
      return x && y && *x == *y;
    }
    case ParamType::number: {
      auto x = parse_number(a), y = parse_number(b);
      return x && y && *x == *y;
    }
    case ParamType::duration: {
      auto x = parse_duration_seconds(a), y = parse_duration_seconds(b);
      return x && y && *x == *y;
    }
    case ParamType::boolean: {
      auto x = parse_boolean(a), y = parse_boolean(b);
      return x && y && *x == *y;
    }
    case ParamType::size: {
      auto x = parse_size(a), y = parse_size(b);
      return x && y && x->width == y->width && x->height == y->height;
    }
    case ParamType::list: {
      auto x = parse_list(a), y = parse_list(b);
      return x && y && *x == *y;
    }
    case ParamType::string: return false;
  }
  return false;
}

std::string node_label(const Node& node, const StageInfo* info, const DotOptions& options) {
  std::string label = R"(<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">)";
  label += "<TR><TD><B>" + label_text(node.name, max_name_length) + "</B></TD></TR>";
  label += R"(<TR><TD><FONT POINT-SIZE="10"><I>)" + label_text(node.stage, max_name_length) + "</I></FONT></TD></TR>";
  for (const auto& [key, value] : node.params) {
    const ParamSpec* spec = nullptr;
    if (info)
      for (const auto& candidate : info->params)
        if (candidate.name == key) spec = &candidate;
    if (spec && !spec->required && same_value(*spec, value.text, spec->default_value)) continue;
    label += R"(<TR><TD ALIGN="LEFT">)" + label_text(key, max_name_length) + " = " +
             label_text(value.text, options.max_value_length) + "</TD></TR>";
  }
  return label + "</TABLE>";
}

// The port an edge end names, or its node's only port; nullptr when neither resolves.
const PortSpec* find_port(const std::vector<PortSpec>& ports, const std::string& name) {
  if (name.empty()) return ports.size() == 1 ? &ports.front() : nullptr;
  for (const auto& port : ports)
    if (port.name == name) return &port;
  return nullptr;
}

std::string edge_label(const Edge& edge, const StageInfo* from, const StageInfo* to) {
  const PortSpec* out = from ? find_port(from->outputs, edge.from_port) : nullptr;
  const PortSpec* in = to ? find_port(to->inputs, edge.to_port) : nullptr;
  std::string label;
  // Port names only where they tell something: a stage with several ports on that side.
  if ((from && from->outputs.size() > 1) || (to && to->inputs.size() > 1)) {
    auto port_name = [](const PortSpec* port, const std::string& written) {
      return port ? port->name : written.empty() ? std::string("?") : written;
    };
    label += label_text(port_name(out, edge.from_port), max_name_length) + " \xE2\x86\x92 " +  // →
             label_text(port_name(in, edge.to_port), max_name_length);
  }
  const PortSpec* typed = out ? out : in;
  if (typed) label += (label.empty() ? "" : "<BR/>") + label_text(typed->item_type, max_name_length);
  return label;
}

}  // namespace

std::string to_dot(const Graph& graph, const Registry& registry, const DotOptions& options) {
  std::ostringstream out;
  out << "digraph pipeline {\n";
  out << "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, labelloc=t, label=<"
      << label_text(std::filesystem::path(graph.file).filename().string(), max_name_length) << ">];\n";
  out << "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=12];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=10];\n";

  std::set<std::string> taken;
  std::map<std::string, std::string> ids;  // node name -> DOT id
  for (const auto& node : graph.nodes) {
    if (ids.count(node.name)) continue;  // declared twice: the reader refuses that already
    ids[node.name] = node_id(node.name, taken);
    out << "  " << ids[node.name] << " [label=<" << node_label(node, registry.find(node.stage), options) << ">];\n";
  }
  for (const auto& edge : graph.edges) {
    const Node* from = graph.find(edge.from);
    const Node* to = graph.find(edge.to);
    if (!from || !to) continue;
    out << "  " << ids[edge.from] << " -> " << ids[edge.to];
    std::string label = edge_label(edge, registry.find(from->stage), registry.find(to->stage));
    if (!label.empty()) out << " [label=<" << label << ">]";
    out << ";\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace pipectl
