// Which size of a photo to download: X serves every photo in named variants (?name=small, medium,
// large, orig), and a card needs only the smallest that covers the box it draws the photo in.
#pragma once

#include <cstddef>
#include <string>

#include "items/post.hpp"
#include "pipectl/params.hpp"

namespace pipectl::media {

// The long side, in px, of photo `index` of `post` as a card of `card` size draws it: its cell
// of the photo grid in the most room the card can give photos (stages/card-layout), fitted
// with the photo's aspect when the API declared its size. Never more than the photo's own long
// side (a variant is never larger than the original). 0 for a photo the card does not show.
int photo_side_on_card(const Size& card, const items::Post& post, std::size_t index);

// `url` asking for the smallest variant whose long side covers `side` px: small (680), medium
// (1200), large (2048), else orig. Only photos on pbs.twimg.com (X's media host) are changed,
// by setting their `name` query parameter; every other URL is returned as given.
std::string photo_variant_url(const std::string& url, int side);

}  // namespace pipectl::media
