// The graph-file reader. The format, one statement per line:
//   # a comment
//   set date = 2026-11-24                 default for a run variable
//   node render : render size=1920x1080   a node: name, stage type, parameters
//   fetch -> media -> render.in           edges, optionally naming ports
// Values are bare words or "quoted strings" (with \" and \\), and may hold {variables}.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipectl/graph.hpp"

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
  enum Kind { word, string, arrow, equals, colon, dot, end } kind = end;
  std::string text;
  int column = 0;
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '{' ||
         c == '}' || c == '/' || c == '+' || c == '%' || c == ',' ||
         static_cast<unsigned char>(c) >= 0x80;
}

class LineParser {
 public:
  LineParser(Graph& graph, const std::string& line, int line_number)
      : graph_(graph), line_(line), line_number_(line_number) {}

  void parse() {
    tokenize();
    if (tokens_.front().kind == Token::end) return;
    const Token& first = tokens_.front();
    if (first.kind == Token::word && first.text == "node") return parse_node();
    if (first.kind == Token::word && first.text == "set") return parse_set();
    return parse_edges();
  }

 private:
  [[noreturn]] void fail(int column, const std::string& message) {
    throw GraphError(format_graph_error(graph_, where(column), message));
  }
  SourceLocation where(int column) const { return {graph_.file, line_number_, column}; }

  void tokenize() {
    size_t i = 0;
    while (i < line_.size()) {
      char c = line_[i];
      int column = static_cast<int>(i) + 1;
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
      } else if (c == '#') {
        break;
      } else if (c == '"') {
        std::string value;
        ++i;
        bool closed = false;
        while (i < line_.size()) {
          if (line_[i] == '\\' && i + 1 < line_.size()) {
            value += line_[i + 1];
            i += 2;
          } else if (line_[i] == '"') {
            closed = true;
            ++i;
            break;
          } else {
            value += line_[i++];
          }
        }
        if (!closed) fail(column, "unterminated string: add the closing \"");
        tokens_.push_back({Token::string, value, column});
      } else if (c == '-' && i + 1 < line_.size() && line_[i + 1] == '>') {
        tokens_.push_back({Token::arrow, "->", column});
        i += 2;
      } else if (c == '=' || c == ':') {
        tokens_.push_back({c == '=' ? Token::equals : Token::colon, std::string(1, c), column});
        ++i;
      } else if (is_word_char(c) || c == '.') {
        // A word may contain dots (1.5, ../data); a lone dot between two names splits a port.
        size_t start = i;
        while (i < line_.size() && (is_word_char(line_[i]) || line_[i] == '.')) {
          if (line_[i] == '-' && i + 1 < line_.size() && line_[i + 1] == '>') break;
          ++i;
        }
        tokens_.push_back({Token::word, line_.substr(start, i - start), column});
      } else {
        fail(column, std::string("unexpected character '") + c + "'");
      }
    }
    tokens_.push_back({Token::end, "", static_cast<int>(line_.size()) + 1});
  }

  const Token& peek() const { return tokens_[position_]; }
  const Token& next() { return tokens_[position_ < tokens_.size() - 1 ? position_++ : position_]; }
  const Token& expect(Token::Kind kind, const std::string& what) {
    if (peek().kind != kind) fail(peek().column, "expected " + what);
    return next();
  }

  static bool is_name(const std::string& text) {
    if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) return false;
    for (char c : text)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
    return true;
  }

  std::string expect_name(const std::string& what) {
    const Token& token = expect(Token::word, what);
    if (!is_name(token.text)) fail(token.column, "'" + token.text + "' is not a valid " + what);
    return token.text;
  }

  void parse_set() {
    next();
    std::string name = expect_name("a variable name after 'set'");
    expect(Token::equals, "'=' after the variable name");
    const Token& value = next();
    if (value.kind != Token::word && value.kind != Token::string) fail(value.column, "expected a value");
    expect(Token::end, "the end of the line after the value");
    graph_.variables[name] = value.text;
  }

  void parse_node() {
    next();
    Node node;
    node.location = where(peek().column);
    node.name = expect_name("a node name after 'node'");
    expect(Token::colon, "':' between the node name and its stage type");
    node.stage_location = where(peek().column);
    node.stage = expect_name("a stage type");
    while (peek().kind != Token::end) {
      int column = peek().column;
      std::string key = expect_name("a parameter name");
      expect(Token::equals, "'=' after parameter '" + key + "'");
      const Token& value = next();
      if (value.kind != Token::word && value.kind != Token::string)
        fail(value.column, "expected a value for parameter '" + key + "'");
      if (node.params.count(key)) fail(column, "parameter '" + key + "' is given twice");
      node.params[key] = ParamValue{value.text, where(value.column)};
    }
    for (const auto& existing : graph_.nodes)
      if (existing.name == node.name)
        fail(node.location.column, "node '" + node.name + "' is declared twice (first on line " +
                                       std::to_string(existing.location.line) + ")");
    graph_.nodes.push_back(std::move(node));
  }

  // name or name.port
  std::pair<std::string, std::string> parse_endpoint(int& column) {
    column = peek().column;
    const Token& token = expect(Token::word, "a node name");
    auto dot = token.text.find('.');
    std::string node = token.text.substr(0, dot);
    std::string port = dot == std::string::npos ? "" : token.text.substr(dot + 1);
    if (!is_name(node) || (dot != std::string::npos && !is_name(port)))
      fail(column, "'" + token.text + "' is not a node name (or node.port)");
    return {node, port};
  }

  void parse_edges() {
    int column = 0;
    auto from = parse_endpoint(column);
    if (peek().kind != Token::arrow)
      fail(peek().column, "expected '->' (a line is 'node NAME : STAGE ...', 'set NAME = VALUE' or 'a -> b')");
    while (peek().kind == Token::arrow) {
      next();
      int to_column = 0;
      auto to = parse_endpoint(to_column);
      graph_.edges.push_back(Edge{from.first, from.second, to.first, to.second, where(to_column)});
      from = to;
    }
    expect(Token::end, "'->' or the end of the line");
  }

  Graph& graph_;
  const std::string& line_;
  int line_number_;
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
  for (size_t i = 0; i < graph.lines.size(); ++i)
    LineParser(graph, graph.lines[i], static_cast<int>(i) + 1).parse();
  return graph;
}

Graph parse_graph_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw GraphError(path + ": error: cannot read the graph file (does it exist?)");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_graph_text(text.str(), path);
}

}  // namespace pipectl
