#include "punycode.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace pipectl::twitter_text::detail {

namespace {

// RFC 3492 parameters.
constexpr std::uint64_t kBase = 36, kTMin = 1, kTMax = 26, kSkew = 38, kDamp = 700;
constexpr std::uint64_t kInitialBias = 72, kInitialN = 128;

std::uint64_t adapt(std::uint64_t delta, std::uint64_t points, bool first) {
  delta = first ? delta / kDamp : delta / 2;
  delta += delta / points;
  std::uint64_t k = 0;
  while (delta > ((kBase - kTMin) * kTMax) / 2) {
    delta /= kBase - kTMin;
    k += kBase;
  }
  return k + (kBase - kTMin + 1) * delta / (delta + kSkew);
}

// Length of the punycode of `part` (without "xn--"); more than `cap` means "too long".
std::size_t punycode_length(std::u32string_view part, std::size_t cap) {
  const auto basic = static_cast<std::size_t>(std::count_if(part.begin(), part.end(), [](char32_t c) { return c < 0x80; }));
  std::size_t out = basic + (basic > 0 ? 1 : 0);
  std::uint64_t n = kInitialN, delta = 0, bias = kInitialBias;
  std::size_t handled = basic;
  while (handled < part.size()) {
    std::uint64_t next = std::numeric_limits<std::uint64_t>::max();
    for (char32_t c : part)
      if (c >= n) next = std::min<std::uint64_t>(next, c);
    delta += (next - n) * (handled + 1);
    n = next;
    for (char32_t c : part) {
      if (c < n) ++delta;
      if (c != n) continue;
      // One variable-length integer: a digit per threshold it passes, then the last one.
      std::uint64_t q = delta;
      for (std::uint64_t k = kBase;; k += kBase) {
        const std::uint64_t t = k <= bias ? kTMin : (k >= bias + kTMax ? kTMax : k - bias);
        if (q < t) break;
        ++out;
        q = (q - t) / (kBase - t);
      }
      ++out;
      bias = adapt(delta, handled + 1, handled == basic);
      delta = 0;
      ++handled;
      if (out > cap) return cap + 1;
    }
    ++delta;
    ++n;
  }
  return out;
}

bool is_idna_dot(char32_t c) { return c == U'.' || c == U'\u3002' || c == U'\uFF0E' || c == U'\uFF61'; }

}  // namespace

std::size_t ascii_label_length(std::u32string_view label, std::size_t cap) {
  // Every part is at least as long as its characters (a non-ASCII one adds "xn--" and a digit).
  if (label.size() > cap) return cap + 1;
  std::size_t total = 0;
  std::size_t begin = 0;
  while (true) {
    std::size_t end = begin;
    while (end < label.size() && !is_idna_dot(label[end])) ++end;
    std::u32string_view part = label.substr(begin, end - begin);
    const bool ascii = std::all_of(part.begin(), part.end(), [](char32_t c) { return c < 0x7F; });
    total += ascii ? part.size() : 4 + punycode_length(part, cap);
    if (total > cap) return cap + 1;
    if (end == label.size()) break;
    ++total;  // the "." between parts
    begin = end + 1;
  }
  return total;
}

}  // namespace pipectl::twitter_text::detail
