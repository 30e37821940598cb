#include "link_header.hpp"

#include <algorithm>

namespace pipectl::fetch {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Reads one header value left to right.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const { return at_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[at_]; }
  void skip_spaces() {
    while (!done() && is_space(text_[at_])) ++at_;
  }
  bool take(char c) {
    if (peek() != c) return false;
    ++at_;
    return true;
  }

  // After '<': up to '>' (nullopt when there is none).
  std::optional<std::string> target() {
    std::size_t end = text_.find('>', at_);
    if (end == std::string_view::npos) return std::nullopt;
    std::string found(text_.substr(at_, end - at_));
    at_ = end + 1;
    return found;
  }

  // A parameter name or an unquoted value: up to a separator or white space.
  std::string token() {
    std::size_t start = at_;
    while (!done() && !is_space(text_[at_]) && text_[at_] != ';' && text_[at_] != ',' && text_[at_] != '=' &&
           text_[at_] != '"')
      ++at_;
    return std::string(text_.substr(start, at_ - start));
  }

  // After '"': up to the closing quote, backslash escapes undone (an unclosed string runs to the end).
  std::string quoted() {
    std::string value;
    while (!done()) {
      char c = text_[at_++];
      if (c == '"') break;
      if (c == '\\' && !done()) c = text_[at_++];
      value += c;
    }
    return value;
  }

  // Past the next ',' outside quotes and <...>: the start of the next link-value.
  void skip_to_next_value() {
    while (!done()) {
      char c = text_[at_++];
      if (c == ',') return;
      if (c == '"') (void)quoted();
      if (c == '<') (void)target();
    }
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

std::vector<std::string> LinkValue::relations() const {
  std::vector<std::string> found;
  auto rel = std::find_if(params.begin(), params.end(), [](const auto& param) { return param.first == "rel"; });
  if (rel == params.end()) return found;
  std::string_view rest = rel->second;
  while (!rest.empty()) {
    std::size_t start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    std::size_t end = std::min(rest.find_first_of(" \t", start), rest.size());
    found.push_back(lower(rest.substr(start, end - start)));
    rest.remove_prefix(end);
  }
  return found;
}

std::vector<LinkValue> parse_link_header(std::string_view header) {
  std::vector<LinkValue> links;
  Scanner in(header);
  while (true) {
    in.skip_spaces();
    while (in.take(',')) in.skip_spaces();
    if (in.done()) break;
    if (!in.take('<')) {
      in.skip_to_next_value();
      continue;
    }
    std::optional<std::string> target = in.target();
    if (!target) break;
    LinkValue link{std::move(*target), {}};
    bool readable = true;
    while (true) {
      in.skip_spaces();
      if (in.done() || in.take(',')) break;
      if (!in.take(';')) {
        readable = false;
        in.skip_to_next_value();
        break;
      }
      in.skip_spaces();
      std::string name = lower(in.token());
      in.skip_spaces();
      std::string value;
      if (in.take('=')) {
        in.skip_spaces();
        value = in.take('"') ? in.quoted() : in.token();
      }
      if (!name.empty()) link.params.emplace_back(std::move(name), std::move(value));
    }
    if (readable) links.push_back(std::move(link));
  }
  return links;
}

std::optional<std::string> link_target(std::string_view header, std::string_view relation) {
  const std::string wanted = lower(relation);
  for (const LinkValue& link : parse_link_header(header)) {
    const auto relations = link.relations();
    if (std::find(relations.begin(), relations.end(), wanted) != relations.end()) return link.target;
  }
  return std::nullopt;
}

}  // namespace pipectl::fetch
