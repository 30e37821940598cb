#include "post_language.hpp"

#include <algorithm>

namespace pipectl::filter {

namespace {

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_language_code(std::string_view code) {
  return code.size() >= 2 && code.size() <= 3 && std::all_of(code.begin(), code.end(), is_ascii_letter);
}

// Lower case, with the deprecated codes X uses replaced by the current ones.
std::string comparable(std::string_view code) {
  std::string lower(code);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (lower == "in") return "id";
  if (lower == "iw") return "he";
  if (lower == "ji") return "yi";
  return lower;
}

// X's codes for a post that has no language to detect (besides "und").
bool is_no_language(std::string_view code) {
  static const std::string_view codes[] = {"zxx", "qme", "qht", "qam", "qct", "qst"};
  return std::find(std::begin(codes), std::end(codes), code) != std::end(codes);
}

}  // namespace

std::optional<std::string> language_code_problem(std::string_view code) {
  if (is_language_code(code)) return std::nullopt;
  std::string quoted = "'";
  quoted.append(code).append("'");
  const std::string_view primary = code.substr(0, code.find_first_of("-_"));
  if (primary.size() < code.size() && is_language_code(primary))
    return quoted.append(" is more than a language: write '")
        .append(primary)
        .append("' (posts are told apart by language only, not by region or script)");
  return quoted.append(" is not a language code: write 2 or 3 letters as BCP 47 does (en, fr, ja, fil), "
                       "or und for posts whose language is unknown");
}

LanguageSet::LanguageSet(const std::vector<std::string>& codes) {
  for (const auto& code : codes) codes_.push_back(comparable(code));
}

bool LanguageSet::lets_through(const items::Post& post) const {
  if (codes_.empty()) return true;
  auto named = [this](std::string_view code) { return std::find(codes_.begin(), codes_.end(), code) != codes_.end(); };
  const std::string_view tag = post.lang;
  const std::string_view primary = tag.substr(0, tag.find_first_of("-_"));
  if (!is_language_code(primary)) return named("und");
  const std::string code = comparable(primary);
  if (named(code)) return true;
  return is_no_language(code) && named("und");
}

}  // namespace pipectl::filter
