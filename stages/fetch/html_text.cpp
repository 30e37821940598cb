#include "html_text.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "text_repair.hpp"

namespace pipectl::fetch {

namespace {

using items::Entity;
using items::EntityKind;

// Elements whose content is not text a reader sees: dropped whole.
const std::set<std::string_view> dropped_elements = {
    "script", "style",  "template", "noscript", "head",   "title",  "meta",     "link",  "base",  "iframe",
    "frame",  "frameset", "object", "embed",    "applet", "svg",    "math",     "canvas", "video", "audio",
    "img",    "picture", "source",  "track",    "map",    "area",   "input",    "textarea", "select", "option",
    "optgroup", "button", "datalist", "output", "param",  "dialog", "xmp",      "plaintext", "noembed", "noframes"};

// Blocks set apart by a blank line, as Mastodon's web UI spaces paragraphs.
const std::set<std::string_view> paragraph_elements = {"p", "blockquote", "pre"};

// Blocks on lines of their own.
const std::set<std::string_view> line_elements = {
    "div",     "li",     "ul",     "ol",   "dl",     "dt",         "dd",      "h1",     "h2",   "h3",
    "h4",      "h5",     "h6",     "table", "tr",    "hr",         "section", "article", "header", "footer",
    "aside",   "nav",    "figure", "figcaption", "address", "main", "details", "summary", "form", "fieldset",
    "caption", "center", "body",   "html"};

bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

int code_points(std::string_view text) {
  return static_cast<int>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string_view name_of(const xmlNode* node) {
  return node->name ? std::string_view(reinterpret_cast<const char*>(node->name)) : std::string_view();
}

std::string attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (!value) return {};
  std::string text(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return text;
}

// Whether the attribute (class, rel) lists `wanted` among its space-separated tokens.
bool has_token(const xmlNode* node, const char* name, std::string_view wanted) {
  const std::string tokens = attribute(node, name);
  std::string_view rest = tokens;
  while (!rest.empty()) {
    std::size_t start = 0;
    while (start < rest.size() && is_html_space(rest[start])) ++start;
    std::size_t end = start;
    while (end < rest.size() && !is_html_space(rest[end])) ++end;
    if (end > start && rest.substr(start, end - start) == wanted) return true;
    rest.remove_prefix(end);
  }
  return false;
}

bool has_class(const xmlNode* node, std::string_view wanted) { return has_token(node, "class", wanted); }

bool starts_with_ascii_folded(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && is_html_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_html_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

// The link being read: its target, what it is, and the text it shows.
struct OpenLink {
  const xmlNode* element = nullptr;
  std::string href;
  bool mention = false;
  bool hashtag = false;
  std::string shown;          // collapsed white space, invisible parts left out
  bool space_before = false;  // the link's text began with white space
  bool space_after = false;   // ... and ended with it
};

// Writes the text and its entities while the tree is walked in document order.
class TextWriter {
 public:
  TextWriter(const HtmlTextOptions& options, bool cut) : options_(options) { result_.cut = cut; }

  // Returns whether to walk the node's children.
  bool enter(const xmlNode* node) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      if (node->content) text(reinterpret_cast<const char*>(node->content));
      return false;
    }
    if (node->type != XML_ELEMENT_NODE) return false;  // comments, processing instructions
    const std::string_view name = name_of(node);
    if (dropped_elements.count(name) || (name == "span" && has_class(node, "invisible")) ||
        (options_.drop_quote_inline && has_class(node, "quote-inline")))
      return false;
    if (link_) {
      // Inside a link, blocks and line breaks are only space, and a nested link is its text.
      if (name == "br" || paragraph_elements.count(name) || line_elements.count(name)) link_text(" ");
      return true;
    }
    if (name == "br") {
      ++pending_breaks_;
    } else if (paragraph_elements.count(name)) {
      pending_breaks_ = std::max(pending_breaks_, 2);
    } else if (line_elements.count(name)) {
      pending_breaks_ = std::max(pending_breaks_, 1);
    } else if (name == "td" || name == "th") {
      pending_space_ = true;
    } else if (name == "a") {
      open_link(node);
    }
    if (name == "pre") ++preformatted_;
    return true;
  }

  // After the node's children, for every node whose children were walked.
  void leave(const xmlNode* node) {
    if (node->type != XML_ELEMENT_NODE) return;
    const std::string_view name = name_of(node);
    if (link_) {
      if (node == link_->element) close_link();
      else if (name == "span" && has_class(node, "ellipsis")) link_->shown += "\u2026";
      return;
    }
    if (name == "pre") --preformatted_;
    if (paragraph_elements.count(name)) pending_breaks_ = std::max(pending_breaks_, 2);
    else if (line_elements.count(name)) pending_breaks_ = std::max(pending_breaks_, 1);
    else if (name == "td" || name == "th") pending_space_ = true;
  }

  HtmlText finish() && {
    if (link_) close_link();
    return std::move(result_);
  }

 private:
  void text(std::string_view content) {
    if (link_) {
      link_text(content);
      return;
    }
    if (preformatted_ > 0) {
      for (std::size_t i = 0; i < content.size(); ++i) {
        if (content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n') continue;
        if (content[i] == '\n' || content[i] == '\r') {
          ++pending_breaks_;
          continue;
        }
        std::size_t end = i;
        while (end < content.size() && content[end] != '\n' && content[end] != '\r') ++end;
        write(content.substr(i, end - i), true);
        i = end - 1;
      }
      return;
    }
    std::size_t i = 0;
    while (i < content.size()) {
      if (is_html_space(content[i])) {
        pending_space_ = true;
        ++i;
        continue;
      }
      std::size_t end = i;
      while (end < content.size() && !is_html_space(content[end])) ++end;
      write(content.substr(i, end - i));
      i = end;
    }
  }

  // Text inside a link, white space collapsed into its own buffer.
  void link_text(std::string_view content) {
    for (char c : content) {
      if (is_html_space(c)) {
        if (link_->shown.empty()) link_->space_before = true;
        else link_->space_after = true;
        continue;
      }
      if (link_->space_after) link_->shown += ' ';
      link_->space_after = false;
      link_->shown += c;
    }
  }

  // Visible text: first the line breaks or the space that precede it (none at the start).
  void write(std::string_view visible, bool preformatted = false) {
    if (visible.empty()) return;
    separate(preformatted);
    append(visible);
  }

  // The line breaks or the space owed before the next visible text (none at the start; in
  // <pre> the spaces are part of the text).
  void separate(bool preformatted = false) {
    if (!result_.text.empty()) {
      if (pending_breaks_ > 0) append(std::string(static_cast<std::size_t>(pending_breaks_), '\n'));
      else if (pending_space_ && !preformatted) append(" ");
    }
    pending_breaks_ = 0;
    pending_space_ = false;
  }

  void append(std::string_view piece) {
    result_.text.append(piece);
    length_ += code_points(piece);
  }

  void open_link(const xmlNode* node) {
    link_ = OpenLink{};
    link_->element = node;
    link_->href = trimmed(attribute(node, "href"));
    link_->hashtag = has_class(node, "hashtag") || has_token(node, "rel", "tag");
    link_->mention = !link_->hashtag && has_class(node, "mention");
  }

  void close_link() {
    OpenLink link = std::move(*link_);
    link_.reset();
    if (link.space_before) pending_space_ = true;
    const std::string& shown = link.shown;
    if (shown.empty()) return;  // nothing visible: nothing to show
    auto sigil_entity = [&](std::string_view sigil, EntityKind kind) {
      if (shown.size() <= sigil.size() || !shown.starts_with(sigil)) return false;
      emit_entity(kind, shown, shown.substr(sigil.size()), "");
      return true;
    };
    bool done = (link.mention && sigil_entity("@", EntityKind::mention)) ||
                (link.hashtag && sigil_entity("#", EntityKind::hashtag));
    if (!done) {
      const bool web = starts_with_ascii_folded(link.href, "https://") || starts_with_ascii_folded(link.href, "http://");
      const bool printable = std::none_of(link.href.begin(), link.href.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == ' ' || c == 0x7F;
      });
      if (web && printable) emit_entity(EntityKind::url, link.href, link.href, shown);
      else write(shown);  // mailto:, javascript: or no href: only its text
    }
    if (link.space_after) pending_space_ = true;
  }

  // `written` goes into the text; the entity covers it.
  void emit_entity(EntityKind kind, const std::string& written, std::string entity_text, const std::string& display) {
    separate();
    Entity entity;
    entity.kind = kind;
    entity.start = length_;
    append(written);
    entity.end = length_;
    entity.text = std::move(entity_text);
    entity.display_url = display;
    result_.entities.push_back(std::move(entity));
  }

  HtmlTextOptions options_;
  HtmlText result_;
  int length_ = 0;  // code points in result_.text
  bool pending_space_ = false;
  int pending_breaks_ = 0;
  int preformatted_ = 0;  // <pre> elements open
  std::optional<OpenLink> link_;
};

struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

// `html` cut to at most max_html_bytes (before a character, never inside one).
std::string_view within_limit(std::string_view html) {
  if (html.size() <= max_html_bytes) return html;
  std::size_t cut = max_html_bytes;
  while (cut > 0 && (static_cast<unsigned char>(html[cut]) & 0xC0) == 0x80) --cut;  // html[cut] starts a character
  return html.substr(0, cut);
}

// Bytes libxml2 reads as intended: valid UTF-8 (its HTML parser falls back to Latin-1 at the
// first bad byte) and no NUL (which ends its text).
std::string parser_input(std::string_view html) {
  std::string input(within_limit(html));
  repair_utf8(input);
  std::string out;
  out.reserve(input.size());
  for (char c : input) {
    if (c == '\0') out += "\uFFFD";
    else out += c;
  }
  return out;
}

}  // namespace

HtmlText html_to_text(std::string_view html, const HtmlTextOptions& options) {
  static std::once_flag initialised;
  std::call_once(initialised, [] { xmlInitParser(); });
  const std::string input = parser_input(html);
  TextWriter writer(options, html.size() > max_html_bytes);
  if (input.empty()) return std::move(writer).finish();
  // Quiet, offline, UTF-8 whatever a <meta> says; XML_PARSE_HUGE lifts the nesting limit (256),
  // past which the parser would give up on the whole text. The input is at most a few MB.
  const int flags = HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE;
  std::unique_ptr<xmlDoc, DocFree> doc(
      htmlReadMemory(input.data(), static_cast<int>(input.size()), nullptr, "UTF-8", flags));
  if (!doc) return std::move(writer).finish();

  // Walked without recursion: the parser accepts any depth of nesting.
  const xmlNode* top = reinterpret_cast<const xmlNode*>(doc.get());
  const xmlNode* node = doc->children;
  while (node) {
    if (writer.enter(node)) {
      if (node->children) {
        node = node->children;
        continue;
      }
      writer.leave(node);
    }
    while (node && !node->next) {
      node = node->parent;
      if (!node || node == top) return std::move(writer).finish();
      writer.leave(node);
    }
    if (node) node = node->next;
  }
  return std::move(writer).finish();
}

std::string shown_text(const HtmlText& read) {
  // html_to_text's text is valid UTF-8: its characters start where character_starts says.
  const std::vector<std::size_t> starts = character_starts(read.text);
  const int characters = static_cast<int>(starts.size()) - 1;
  std::string shown;
  std::size_t done = 0;
  for (const items::Entity& entity : read.entities) {
    if (entity.kind != items::EntityKind::url || entity.display_url.empty()) continue;
    if (entity.start < 0 || entity.end > characters || entity.start >= entity.end) continue;
    const std::size_t from = starts[static_cast<std::size_t>(entity.start)];
    if (from < done) continue;
    shown.append(read.text, done, from - done).append(entity.display_url);
    done = starts[static_cast<std::size_t>(entity.end)];
  }
  return shown.append(read.text, done, std::string::npos);
}

}  // namespace pipectl::fetch
