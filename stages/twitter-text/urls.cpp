// URLs: twitter-text's URL pattern (optional protocol, domain, port, path, query), then its
// checks: DNS label lengths, the URL length limit, ASCII-only domains for bare domains, t.co
// links cut after their slug and query.
#include <optional>

#include "char_classes.hpp"
#include "code_points.hpp"
#include "domains.hpp"
#include "extractors.hpp"
#include "punycode.hpp"

namespace pipectl::twitter_text::detail {

namespace {

constexpr std::size_t npos = static_cast<std::size_t>(-1);
constexpr std::size_t kMaxUrlLength = 4096;  // UTF-16 units, protocol included
constexpr std::size_t kMaxLabelLength = 63;  // DNS
constexpr std::size_t kMaxTcoSlugLength = 40;
constexpr std::size_t kDefaultProtocolLength = 8;  // "https://", counted for bare domains

bool starts_with_ascii(std::u32string_view text, std::size_t at, std::string_view lower) {
  if (text.size() - at < lower.size()) return false;
  for (std::size_t i = 0; i < lower.size(); ++i)
    if (ascii_lower(text[at + i]) != static_cast<char32_t>(lower[i])) return false;
  return true;
}

std::size_t protocol_length(std::u32string_view text, std::size_t at) {
  if (starts_with_ascii(text, at, "https://")) return 8;
  if (starts_with_ascii(text, at, "http://")) return 7;
  return 0;
}

// '?' then query characters, cut back to the last one a query may end with; npos when none.
std::size_t query_end(std::u32string_view text, std::size_t question, std::size_t limit) {
  std::size_t end = npos;
  for (std::size_t i = question + 1; i < limit && is_query_char(text[i]); ++i)
    if (is_query_ending_char(text[i])) end = i + 1;
  return end;
}

struct Match {
  std::size_t begin = 0;  // the URL, protocol included
  std::size_t end = 0;    // the scan resumes here, whether the URL is then kept or not
  std::size_t domain_begin = 0;
  std::size_t domain_end = 0;
  std::size_t protocol_length = 0;
  bool has_path = false;
};

class UrlPattern {
 public:
  explicit UrlPattern(std::u32string_view text) : text_(text), domains_(text) {}

  std::optional<Match> match_at(std::size_t start) {
    Match m;
    m.begin = start;
    m.protocol_length = protocol_length(text_, start);
    m.domain_begin = start + m.protocol_length;
    m.domain_end = domains_.domain_end(m.domain_begin);
    // Without a domain after it a protocol matches nothing: "http" itself is never a domain
    // (a ':' follows it), so trying again without the protocol would fail too.
    if (m.domain_end == npos) return std::nullopt;

    std::size_t end = m.domain_end;
    if (end + 1 < text_.size() && text_[end] == U':' && is_ascii_digit(text_[end + 1])) {
      ++end;
      while (end < text_.size() && is_ascii_digit(text_[end])) ++end;
    }
    if (end < text_.size() && text_[end] == U'/') {
      m.has_path = true;
      end = path_end(end + 1);
    }
    if (end < text_.size() && text_[end] == U'?')
      if (std::size_t q = query_end(text_, end, text_.size()); q != npos) end = q;
    m.end = end;
    return m;
  }

 private:
  // A path after its '/': path characters and balanced parentheses, cut back to the last
  // character (or parenthesised group) a path may end with.
  std::size_t path_end(std::size_t start) const {
    std::size_t last = start;
    std::size_t pos = start;
    while (pos < text_.size()) {
      const char32_t c = text_[pos];
      if (c == U'(') {
        const std::size_t close = balanced_parens_end(pos);
        if (close == npos) break;
        pos = last = close;
        continue;
      }
      if (!is_path_char(c)) break;
      ++pos;
      if (is_path_ending_char(c)) last = pos;
    }
    return last;
  }

  std::size_t skip_path_chars(std::size_t pos) const {
    while (pos < text_.size() && is_path_char(text_[pos])) ++pos;
    return pos;
  }

  // "(chars)" or "(chars(chars)chars)": two levels, as in /wiki/Primer_(film) or
  // /We_Up_(Album_Version_(Edited))/.
  std::size_t balanced_parens_end(std::size_t open) const {
    const std::size_t n = text_.size();
    const std::size_t inner = skip_path_chars(open + 1);
    if (inner > open + 1 && inner < n && text_[inner] == U')') return inner + 1;
    if (inner < n && text_[inner] == U'(') {
      const std::size_t nested = skip_path_chars(inner + 1);
      if (nested > inner + 1 && nested < n && text_[nested] == U')') {
        const std::size_t rest = skip_path_chars(nested + 1);
        if (rest < n && text_[rest] == U')') return rest + 1;
      }
    }
    return npos;
  }

  std::u32string_view text_;
  DomainScanner domains_;
};

std::size_t utf16_length(std::u32string_view text) {
  std::size_t length = text.size();
  for (char32_t c : text)
    if (c > 0xFFFF) ++length;
  return length;
}

// twitter-text's isValidUrl: a punycode domain must hold an ASCII domain, every label must fit
// in DNS once encoded, and the URL must stay under the length limit.
bool is_valid_url(std::u32string_view text, const Match& m) {
  std::u32string_view domain = text.substr(m.domain_begin, m.domain_end - m.domain_begin);
  // (Lower-case "xn--" only: twitter-text's check is case-sensitive.)
  if (domain.substr(0, 4) == U"xn--" && ascii_domains(domain).empty()) return false;
  std::size_t begin = 0;
  while (true) {
    const std::size_t dot = domain.find(U'.', begin);
    const std::size_t length = ascii_label_length(domain.substr(begin, dot - begin), kMaxLabelLength);
    if (length < 1 || length > kMaxLabelLength) return false;
    if (dot == npos) break;
    begin = dot + 1;
  }
  const std::size_t protocol = m.protocol_length > 0 ? m.protocol_length : kDefaultProtocolLength;
  return protocol + utf16_length(text.substr(m.begin, m.end - m.begin)) <= kMaxUrlLength;
}

// For a t.co link: where it ends (after its slug and query), npos to drop it (slug too long),
// or the match's own end when it is not a t.co link.
std::size_t tco_end(std::u32string_view text, const Match& m) {
  const std::size_t host = m.begin + m.protocol_length;
  if (!starts_with_ascii(text.substr(0, m.end), host, "t.co/")) return m.end;
  std::size_t end = host + 5;
  while (end < m.end && is_ascii_alnum(text[end])) ++end;
  if (end == host + 5) return m.end;
  if (end - (host + 5) > kMaxTcoSlugLength) return npos;
  if (end < m.end && text[end] == U'?')
    if (std::size_t q = query_end(text, end, m.end); q != npos) end = q;
  return end;
}

void add_bare_domains(std::u32string_view text, const Match& m, std::vector<Entity>& out) {
  std::u32string_view domain = text.substr(m.domain_begin, m.domain_end - m.domain_begin);
  const auto found = ascii_domains(domain);
  for (const auto& [begin, end] : found)
    out.push_back(make_entity(items::EntityKind::url, text, m.domain_begin + begin, m.domain_begin + end,
                              m.domain_begin + begin, m.domain_begin + end));
  if (found.empty() || !m.has_path) return;
  // The last domain takes the port, path and query. Its range runs from the ASCII domain to the
  // end of the match, even past non-ASCII parts of the whole domain, as twitter-text has it.
  Entity& last = out.back();
  last.value += to_utf8(text.substr(m.domain_end, m.end - m.domain_end));
  last.end = static_cast<int>(m.end);
}

}  // namespace

std::vector<Entity> urls(std::u32string_view text, bool without_protocol) {
  std::vector<Entity> out;
  if (text.find(U'.') == std::u32string_view::npos) return out;
  UrlPattern pattern(text);
  std::size_t scan = 0;
  while (scan < text.size()) {
    // The pattern starts with the character before the URL, or the start of the text; at
    // position 0 it tries the first character as that "before" first.
    std::optional<Match> m;
    std::size_t before = npos;
    if (is_url_preceding_char(text[scan])) {
      m = pattern.match_at(scan + 1);
      before = scan;
    }
    if (!m && scan == 0) {
      m = pattern.match_at(0);
      before = npos;
    }
    if (!m) {
      ++scan;
      continue;
    }
    scan = m->end;
    if (!is_valid_url(text, *m)) continue;
    if (m->protocol_length == 0) {
      if (!without_protocol) continue;
      // "-example.com", "_x.com", "a.b.com" seen from its middle, "/path.com" are not URLs.
      if (before != npos && std::u32string_view(U"-_./").find(text[before]) != std::u32string_view::npos) continue;
      add_bare_domains(text, *m, out);
      continue;
    }
    const std::size_t end = tco_end(text, *m);
    if (end == npos) continue;
    out.push_back(make_entity(items::EntityKind::url, text, m->begin, end, m->begin, end));
  }
  return out;
}

}  // namespace pipectl::twitter_text::detail
