// The graph-file reader. The format, one statement per line:
//   # a comment
//   set date = 2026-11-24                 default for a run variable
//   node render : render size=1920x1080   a node: name, stage type, parameters
//   fetch -> media -> render.in           edges, optionally naming ports
// Values are bare words, "quoted strings" (with \" and \\) or lists [a, b, "c d"], and may hold
// {variables}. A line that ends with '\' (outside quotes and comments) continues on the next, so
// a long node declaration can wrap; tokens keep their own line, so errors still point at them.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipectl/graph.hpp"
#include "quoted_string.hpp"

namespace pipectl {

const Node* Graph::find(const std::string& name) const {
  for (const auto& node : nodes)
    if (node.name == name) return &node;
  return nullptr;
}

std::string Graph::folder() const {
  auto parent = std::filesystem::path(file).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

std::string format_graph_error(const Graph& graph, const SourceLocation& where,
                               const std::string& message) {
  std::ostringstream out;
  // Line 0: a place outside any file, such as a --set option; it is named as it is.
  if (where.line <= 0) return where.file + ": error: " + message;
  out << where.file << ':' << where.line << ':' << where.column << ": error: " << message;
  if (where.line >= 1 && where.line <= static_cast<int>(graph.lines.size())) {
    const std::string& line = graph.lines[where.line - 1];
    out << "\n    " << line << "\n    " << std::string(std::max(where.column - 1, 0), ' ') << '^';
  }
  return out.str();
}

std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    size_t d = distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string substitute_variables(const std::string& text,
                                 const std::map<std::string, std::string>& variables) {
  std::string result;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      auto close = text.find('}', i);
      if (close != std::string::npos) {
        auto it = variables.find(text.substr(i + 1, close - i - 1));
        if (it != variables.end()) {
          result += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    result += text[i++];
  }
  return result;
}

namespace {

struct Token {
  enum Kind { word, string, arrow, equals, colon, open_list, comma, close_list, end } kind = end;
  std::string text;
  int line = 0;  // 1-based; a statement continued with '\' spans several lines
  int column = 0;
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '{' ||
         c == '}' || c == '/' || c == '+' || c == '%' || c == ',' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool is_name(const std::string& text) {
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) return false;
  for (char c : text)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  std::string nearest = nearest_name(word, candidates);
  return nearest.empty() ? "" : " (did you mean '" + nearest + "'?)";
}

// One statement: a line, plus the lines that follow it while each ends with '\'.
class StatementParser {
 public:
  StatementParser(Graph& graph, size_t first_line) : graph_(graph), first_line_(first_line) {}

  // Parses the statement; returns the index of the line after it.
  size_t parse() {
    size_t next_line = tokenize();
    const Token& first = tokens_.front();
    if (first.kind == Token::end) return next_line;
    if (first.kind == Token::word && first.text == "node") parse_node();
    else if (first.kind == Token::word && first.text == "set") parse_set();
    else parse_edges();
    return next_line;
  }

 private:
  [[noreturn]] void fail(int line, int column, const std::string& message) {
    throw GraphError(format_graph_error(graph_, {graph_.file, line, column}, message));
  }
  [[noreturn]] void fail(const Token& token, const std::string& message) { fail(token.line, token.column, message); }
  SourceLocation where(const Token& token) const { return {graph_.file, token.line, token.column}; }

  size_t tokenize() {
    // Inside [ ] a comma separates items; elsewhere it is part of a word, as in "a,b".
    bool in_list = false;
    for (size_t index = first_line_;; ++index) {
      const std::string& line = graph_.lines[index];
      int line_number = static_cast<int>(index) + 1;
      bool continued = false;
      size_t i = 0;
      while (i < line.size()) {
        char c = line[i];
        int column = static_cast<int>(i) + 1;
        if (is_space(c)) {
          ++i;
        } else if (c == '#') {
          break;
        } else if (c == '\\') {
          size_t rest = i + 1;
          while (rest < line.size() && is_space(line[rest])) ++rest;
          if (rest != line.size())
            fail(line_number, column, "unexpected '\\' (outside quotes, a '\\' only ends a line to continue it on the next)");
          if (index + 1 == graph_.lines.size())
            fail(line_number, column, "the last line ends with '\\', but no line follows to continue it");
          continued = true;
          break;
        } else if (c == '"') {
          auto value = read_quoted_string(line, i);
          if (!value) fail(line_number, column, "unterminated string: add the closing \" (a string cannot span lines)");
          tokens_.push_back({Token::string, *value, line_number, column});
        } else if (c == '-' && i + 1 < line.size() && line[i + 1] == '>') {
          tokens_.push_back({Token::arrow, "->", line_number, column});
          i += 2;
        } else if (c == '=' || c == ':') {
          tokens_.push_back({c == '=' ? Token::equals : Token::colon, std::string(1, c), line_number, column});
          ++i;
        } else if (c == '[') {
          if (in_list) fail(line_number, column, "lists do not nest");
          tokens_.push_back({Token::open_list, "[", line_number, column});
          in_list = true;
          ++i;
        } else if (c == ']' && in_list) {
          tokens_.push_back({Token::close_list, "]", line_number, column});
          in_list = false;
          ++i;
        } else if (c == ',' && in_list) {
          tokens_.push_back({Token::comma, ",", line_number, column});
          ++i;
        } else if (is_word_char(c) || c == '.') {
          // A word may contain dots (1.5, ../data); a lone dot between two names splits a port.
          size_t start = i;
          while (i < line.size() && (is_word_char(line[i]) || line[i] == '.') && !(in_list && line[i] == ',')) {
            if (line[i] == '-' && i + 1 < line.size() && line[i + 1] == '>') break;
            ++i;
          }
          tokens_.push_back({Token::word, line.substr(start, i - start), line_number, column});
        } else {
          fail(line_number, column, std::string("unexpected character '") + c + "'");
        }
      }
      if (!continued) {
        tokens_.push_back({Token::end, "", line_number, static_cast<int>(line.size()) + 1});
        return index + 1;
      }
    }
  }

  const Token& peek() const { return tokens_[position_]; }
  const Token& next() { return tokens_[position_ < tokens_.size() - 1 ? position_++ : position_]; }
  const Token& expect(Token::Kind kind, const std::string& what) {
    if (peek().kind != kind) fail(peek(), "expected " + what);
    return next();
  }

  std::string expect_name(const std::string& what) {
    const Token& token = expect(Token::word, what);
    if (!is_name(token.text)) fail(token, "'" + token.text + "' is not a valid " + what);
    return token.text;
  }

  void parse_set() {
    next();
    std::string name = expect_name("a variable name after 'set'");
    expect(Token::equals, "'=' after the variable name");
    const Token& value = next();
    if (value.kind != Token::word && value.kind != Token::string) fail(value, "expected a value");
    expect(Token::end, "the end of the line after the value");
    graph_.variables[name] = value.text;
  }

  // A word, a "string", or a list [a, b, "c d"], which becomes its text in format_list's form.
  ParamValue parse_value(const std::string& key) {
    const Token& value = next();
    if (value.kind == Token::word || value.kind == Token::string) return ParamValue{value.text, where(value)};
    if (value.kind != Token::open_list) fail(value, "expected a value for parameter '" + key + "'");
    std::vector<std::string> items;
    for (;;) {
      if (peek().kind == Token::close_list) break;  // [] or a trailing comma
      const Token& item = next();
      if (item.kind == Token::end) fail(value, "the list of parameter '" + key + "' is not closed: add ']'");
      if (item.kind != Token::word && item.kind != Token::string)
        fail(item, "expected a list item (a word or a \"quoted string\") or ']'");
      items.push_back(item.text);
      if (peek().kind == Token::close_list) break;
      if (peek().kind == Token::end) fail(value, "the list of parameter '" + key + "' is not closed: add ']'");
      expect(Token::comma, "',' or ']' after list item '" + item.text + "'");
    }
    next();
    return ParamValue{format_list(items), where(value)};
  }

  void parse_node() {
    next();
    Node node;
    node.location = where(peek());
    node.name = expect_name("a node name after 'node'");
    expect(Token::colon, "':' between the node name and its stage type");
    node.stage_location = where(peek());
    node.stage = expect_name("a stage type");
    while (peek().kind != Token::end) {
      const Token& key_token = peek();
      std::string key = expect_name("a parameter name");
      expect(Token::equals, "'=' after parameter '" + key + "'");
      ParamValue value = parse_value(key);
      if (node.params.count(key)) fail(key_token, "parameter '" + key + "' is given twice");
      node.params[key] = std::move(value);
    }
    for (const auto& existing : graph_.nodes)
      if (existing.name == node.name)
        fail(node.location.line, node.location.column,
             "node '" + node.name + "' is declared twice (first on line " + std::to_string(existing.location.line) +
                 ")");
    graph_.nodes.push_back(std::move(node));
  }

  // name or name.port
  std::pair<std::string, std::string> parse_endpoint(SourceLocation& location) {
    const Token& token = expect(Token::word, "a node name");
    location = where(token);
    auto dot = token.text.find('.');
    std::string node = token.text.substr(0, dot);
    std::string port = dot == std::string::npos ? "" : token.text.substr(dot + 1);
    if (!is_name(node) || (dot != std::string::npos && !is_name(port)))
      fail(token, "'" + token.text + "' is not a node name (or node.port)");
    return {node, port};
  }

  void parse_edges() {
    SourceLocation location;
    auto from = parse_endpoint(location);
    if (peek().kind != Token::arrow)
      fail(peek(), "expected '->' (a line is 'node NAME : STAGE ...', 'set NAME = VALUE' or 'a -> b')");
    while (peek().kind == Token::arrow) {
      next();
      auto to = parse_endpoint(location);
      graph_.edges.push_back(Edge{from.first, from.second, to.first, to.second, location});
      from = to;
    }
    expect(Token::end, "'->' or the end of the line");
  }

  Graph& graph_;
  size_t first_line_;
  std::vector<Token> tokens_;
  size_t position_ = 0;
};

}  // namespace

Graph parse_graph_text(const std::string& text, const std::string& file_name) {
  Graph graph;
  graph.file = file_name;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) graph.lines.push_back(line);
  for (size_t i = 0; i < graph.lines.size();) i = StatementParser(graph, i).parse();
  return graph;
}

void apply_overrides(Graph& graph, const std::vector<std::string>& sets) {
  for (const auto& set : sets) {
    const std::string place = "--set " + set;
    auto fail = [&](const std::string& message) { throw GraphError(place + ": error: " + message); };
    auto equals = set.find('=');
    if (equals == std::string::npos) fail("expected NODE.PARAM=VALUE, e.g. --set render.card=2s");
    std::string target = set.substr(0, equals);
    auto dot = target.find('.');
    std::string node_name = target.substr(0, dot);
    std::string param = dot == std::string::npos ? "" : target.substr(dot + 1);
    if (!is_name(node_name) || !is_name(param))
      fail("'" + target + "' is not NODE.PARAM (write --set NODE.PARAM=VALUE, e.g. --set render.card=2s)");
    Node* node = nullptr;
    std::vector<std::string> node_names;
    for (auto& candidate : graph.nodes) {
      node_names.push_back(candidate.name);
      if (candidate.name == node_name) node = &candidate;
    }
    if (!node) fail(graph.file + " has no node '" + node_name + "'" + suggestion(node_name, node_names));
    // The checker reports an unknown parameter or a bad value at this place, like any other.
    node->params[param] = ParamValue{set.substr(equals + 1), SourceLocation{place, 0, 0}};
  }
}

Graph parse_graph_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw GraphError(path + ": error: cannot read the graph file (does it exist?)");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_graph_text(text.str(), path);
}

}  // namespace pipectl
