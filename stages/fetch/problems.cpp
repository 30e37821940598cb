#include "problems.hpp"

#include <algorithm>

namespace pipectl::fetch {

namespace {
std::string consequence(const std::string& kind) {
  if (kind == problem::invalid_text) return ", replaced by U+FFFD";
  if (kind == problem::no_author || kind == problem::oversized_text) return "";
  return " (dropped; the post is kept)";
}
}  // namespace

void PostProblems::merge(const PostProblems& other, const std::string& prefix) {
  for (const auto& [kind, reasons] : other.reasons_)
    for (const auto& reason : reasons) reasons_[kind].push_back(prefix + reason);
}

void PostProblems::report(const std::string& where, std::vector<Problem>& out) const {
  for (const auto& [kind, reasons] : reasons_) {
    std::string message = where + ": ";
    for (size_t i = 0; i < reasons.size() && i < 3; ++i) message.append(i ? "; " : "").append(reasons[i]);
    if (reasons.size() > 3) message += "; and " + std::to_string(reasons.size() - 3) + " more";
    out.push_back({kind, message + consequence(kind)});
  }
}

void keep_text_within_limit(items::Post& post, PostProblems& problems) {
  const std::size_t limit = items::Post::max_text_code_points;
  std::size_t code_points = 0;
  std::size_t cut = std::string::npos;
  for (std::size_t i = 0; i < post.text.size(); ++i)
    if ((static_cast<unsigned char>(post.text[i]) & 0xC0) != 0x80 && code_points++ == limit) {
      cut = i;
      break;
    }
  if (cut == std::string::npos) return;
  const std::size_t total = code_points + static_cast<std::size_t>(std::count_if(
                                              post.text.begin() + static_cast<std::ptrdiff_t>(cut) + 1, post.text.end(),
                                              [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  post.text.resize(cut);
  std::erase_if(post.entities, [&](const items::Entity& entity) { return entity.end > static_cast<int>(limit); });
  problems.add(problem::oversized_text, "its text has " + std::to_string(total) + " characters; the first " +
                                            std::to_string(limit) + " are kept");
}

}  // namespace pipectl::fetch
