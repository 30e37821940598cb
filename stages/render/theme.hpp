// The colours of a card. One theme for now; the theming issue adds more and a parameter to
// choose, so nothing else hard-codes a colour.
#pragma once

#include <array>

#include "geometry.hpp"

namespace pipectl::render {

struct Theme {
  Color background = Color::rgb(0xE6ECF0);  // around the card
  Color card = Color::rgb(0xFFFFFF);
  Color text = Color::rgb(0x0F1419);
  Color secondary = Color::rgb(0x536471);  // @username, time, labels
  Color accent = Color::rgb(0x1D9BF0);
  Color placeholder = Color::rgb(0xEFF3F4);  // where a photo could not be had
  Color on_avatar = Color::rgb(0xFFFFFF);    // the initial on the avatar circle
  // Avatar circles, picked by a hash of the username so an account keeps its colour.
  std::array<Color, 8> avatars = {Color::rgb(0x1D9BF0), Color::rgb(0x7856FF), Color::rgb(0xF91880),
                                  Color::rgb(0xFF7A00), Color::rgb(0x00BA7C), Color::rgb(0x8B5CF6),
                                  Color::rgb(0x0EA5E9), Color::rgb(0xE11D48)};
};

}  // namespace pipectl::render
