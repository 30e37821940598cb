// The media item: a post together with its decoded images, ready to be drawn.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "post.hpp"

namespace pipectl::items {

// 8-bit RGBA, rows packed (stride = 4 * width), straight (not premultiplied) alpha.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;
};

struct MediaPost {
  static constexpr std::string_view item_type = "media";

  Post post;
  // One entry per post.media, in the same order; nullopt where the image could not be had
  // (the card then shows a placeholder, and `notes` says why).
  std::vector<std::optional<Image>> images;
  std::vector<std::string> notes;
  // The author's avatar (post.author.avatar_url), at most the size a card draws it; nullopt when
  // there is none or it could not be had (a card then draws the initial on a coloured disc).
  std::optional<Image> avatar;
  // The link card's picture (post.link->thumb_url), at most the size a card draws it; nullopt
  // when there is none or it could not be had.
  std::optional<Image> link_thumb;
  // The pictures of the text's custom emoji, by Entity::image_url; one missing is drawn as its
  // ":shortcode:" text.
  std::map<std::string, Image> emoji;
};

}  // namespace pipectl::items
