// The colours of a card. Every colour a card uses comes from here, so a theme is complete.
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "geometry.hpp"

namespace pipectl::render {

struct Theme {
  Color background = Color::rgb(0xE6ECF0);  // around the card
  Color card = Color::rgb(0xFFFFFF);
  Color text = Color::rgb(0x0F1419);
  Color secondary = Color::rgb(0x536471);  // @username, time, labels, footer counts
  Color accent = Color::rgb(0x1D9BF0);     // hashtags, mentions, links, cashtags
  Color placeholder = Color::rgb(0xEFF3F4);  // where a photo could not be had
  Color border = Color::rgb(0xCFD9DE);       // around a quoted post
  Color on_avatar = Color::rgb(0xFFFFFF);    // the initial on the avatar circle
  Color badge = Color::rgb(0x000000);        // the play badge's disc (drawn translucent)
  Color on_badge = Color::rgb(0xFFFFFF);     // the play badge's triangle
  Color warning = Color::rgb(0xF4A100);      // the sign of a content warning
  Color poll_bar = Color::rgb(0xD6EBFB);     // a poll option's share of the votes
  Color poll_leader = Color::rgb(0x9BD1F9);  // ... of the option with the most votes
  // Avatar circles, picked by a hash of the username so an account keeps its colour.
  std::array<Color, 8> avatars = {Color::rgb(0x1D9BF0), Color::rgb(0x7856FF), Color::rgb(0xF91880),
                                  Color::rgb(0xFF7A00), Color::rgb(0x00BA7C), Color::rgb(0x8B5CF6),
                                  Color::rgb(0x0EA5E9), Color::rgb(0xE11D48)};
};

// The names theme_named accepts, in the order `pipectl stages render` lists them.
const std::vector<std::string_view>& theme_names();

// "light" (the default) or "dark"; throws std::invalid_argument naming the known themes.
Theme theme_named(std::string_view name);

}  // namespace pipectl::render
