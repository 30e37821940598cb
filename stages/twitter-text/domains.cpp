#include "domains.hpp"

#include "char_classes.hpp"
#include "tlds.hpp"

namespace pipectl::twitter_text::detail {

namespace {

constexpr std::size_t kUnknown = static_cast<std::size_t>(-2);
constexpr std::size_t kNone = DomainScanner::npos;

bool is_label_char(char32_t c) { return is_domain_char(c) || c == U'_' || c == U'-'; }

}  // namespace

DomainScanner::DomainScanner(std::u32string_view text)
    : text_(text),
      run_end_(text.size() + 1),
      next_underscore_(text.size() + 1),
      domain_memo_(text.size() + 1, kUnknown),
      tld_memo_(text.size() + 1, kUnknown) {
  const auto n = static_cast<std::uint32_t>(text.size());
  run_end_[n] = n;
  next_underscore_[n] = n;
  domain_memo_[n] = kNone;
  for (std::uint32_t i = n; i-- > 0;) {
    run_end_[i] = is_label_char(text[i]) ? run_end_[i + 1] : i;
    next_underscore_[i] = text[i] == U'_' ? i : next_underscore_[i + 1];
  }
}

// A label from `start` to the next dot: label characters only, not starting or ending with - or _.
bool DomainScanner::is_label(std::size_t start, bool allow_underscore) const {
  const std::size_t end = run_end_[start];
  if (end == start || end >= text_.size() || text_[end] != U'.') return false;
  if (!is_domain_char(text_[start]) || !is_domain_char(text_[end - 1])) return false;
  return allow_underscore || next_underscore_[start] >= end;
}

std::size_t DomainScanner::after_tld(std::size_t start) {
  if (tld_memo_[start] == kUnknown) {
    const std::size_t length = tld_length(text_.substr(start));
    tld_memo_[start] = length > 0 ? start + length : kNone;
  }
  return tld_memo_[start];
}

// A domain from `start`: this label as a subdomain before the longest domain after its dot,
// else this label as the domain name before a TLD.
std::size_t DomainScanner::evaluate(std::size_t start) {
  if (!is_label(start, true)) return kNone;
  const std::size_t next = run_end_[start] + 1;
  if (domain_memo_[next] != kNone) return domain_memo_[next];
  return is_label(start, false) ? after_tld(next) : kNone;
}

std::size_t DomainScanner::domain_end(std::size_t start) {
  if (start > text_.size()) return kNone;
  // Walk the chain of labels up to a known answer, then settle it from the far end back, so
  // each position is worked out once (no recursion, however many labels).
  chain_.clear();
  for (std::size_t p = start; domain_memo_[p] == kUnknown;) {
    chain_.push_back(p);
    if (!is_label(p, true)) break;
    p = run_end_[p] + 1;
  }
  for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) domain_memo_[*it] = evaluate(*it);
  return domain_memo_[start];
}

std::vector<std::pair<std::size_t, std::size_t>> ascii_domains(std::u32string_view domain) {
  auto is_ascii_label_char = [](char32_t c) { return is_ascii_alnum(c) || c == U'-' || is_latin_accent(c); };
  const std::size_t n = domain.size();
  std::vector<std::size_t> run_end(n + 1, n);
  for (std::size_t i = n; i-- > 0;) run_end[i] = is_ascii_label_char(domain[i]) ? run_end[i + 1] : i;

  // end[p]: end of the ASCII domain starting at p (most labels first), kNone, or kUnknown.
  std::vector<std::size_t> end(n + 1, kUnknown);
  end[n] = kNone;
  auto is_label = [&](std::size_t p) { return run_end[p] > p && run_end[p] < n && domain[run_end[p]] == U'.'; };
  std::vector<std::size_t> chain;
  auto domain_at = [&](std::size_t start) {
    chain.clear();
    for (std::size_t p = start; end[p] == kUnknown;) {
      chain.push_back(p);
      if (!is_label(p)) break;
      p = run_end[p] + 1;
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      const std::size_t p = *it;
      if (!is_label(p)) {
        end[p] = kNone;
        continue;
      }
      const std::size_t next = run_end[p] + 1;
      const std::size_t tld = tld_length(domain.substr(next));
      end[p] = end[next] != kNone ? end[next] : (tld > 0 ? next + tld : kNone);
    }
    return end[start];
  };

  std::vector<std::pair<std::size_t, std::size_t>> found;
  std::size_t p = 0;
  while (p < n) {
    if (is_ascii_label_char(domain[p])) {
      const std::size_t e = domain_at(p);
      if (e != kNone) {
        found.emplace_back(p, e);
        p = e;
        continue;
      }
    }
    ++p;
  }
  return found;
}

}  // namespace pipectl::twitter_text::detail
