#include "handle_forms.hpp"

#include <algorithm>

namespace pipectl::fetch {

namespace {

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool is_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return is_ascii_alnum(c) || c == '-'; });
}

}  // namespace

bool is_x_username(std::string_view handle) {
  if (handle.empty() || handle.size() > 15) return false;
  return std::all_of(handle.begin(), handle.end(), [](char c) { return is_ascii_alnum(c) || c == '_'; });
}

bool is_domain_handle(std::string_view handle) {
  if (handle.size() > 253) return false;
  int labels = 0;
  std::string_view last;
  while (true) {
    std::size_t dot = handle.find('.');
    std::string_view label = handle.substr(0, dot);
    if (!is_label(label)) return false;
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    handle.remove_prefix(dot + 1);
  }
  // As atproto's handle syntax: the top-level label starts with a letter (so no IP address).
  const bool letter_first = (last.front() >= 'a' && last.front() <= 'z') || (last.front() >= 'A' && last.front() <= 'Z');
  return labels >= 2 && letter_first;
}

bool is_fediverse_address(std::string_view handle) {
  // The whole address is one folder's name: at most 255 bytes (NAME_MAX).
  std::size_t at = handle.find('@');
  if (handle.size() > 255 || at == std::string_view::npos || at == 0 || at > 64) return false;
  std::string_view user = handle.substr(0, at);
  if (!is_ascii_alnum(user.front()) && user.front() != '_') return false;
  bool user_ok = std::all_of(user.begin(), user.end(), [](char c) { return is_ascii_alnum(c) || c == '_' || c == '.' || c == '-'; });
  return user_ok && is_domain_handle(handle.substr(at + 1));
}

}  // namespace pipectl::fetch
