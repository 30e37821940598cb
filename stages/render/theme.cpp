#include "theme.hpp"

#include <stdexcept>
#include <string>

namespace pipectl::render {

const std::vector<std::string_view>& theme_names() {
  static const std::vector<std::string_view> names = {"light", "dark"};
  return names;
}

Theme theme_named(std::string_view name) {
  if (name == "light") return Theme{};
  if (name == "dark") {
    Theme dark;
    dark.background = Color::rgb(0x000000);
    dark.card = Color::rgb(0x16181C);
    dark.text = Color::rgb(0xE7E9EA);
    dark.secondary = Color::rgb(0x8B98A5);
    dark.accent = Color::rgb(0x1D9BF0);
    dark.placeholder = Color::rgb(0x2F3336);
    dark.border = Color::rgb(0x3E4144);
    dark.badge = Color::rgb(0x000000);
    dark.warning = Color::rgb(0xFFB020);
    dark.poll_bar = Color::rgb(0x1B3246);
    dark.poll_leader = Color::rgb(0x1A5580);
    return dark;
  }
  std::string known;
  for (auto n : theme_names()) known.append(known.empty() ? "" : ", ").append(n);
  throw std::invalid_argument(std::string("unknown theme \"").append(name).append("\" (known: ").append(known).append(")"));
}

}  // namespace pipectl::render
