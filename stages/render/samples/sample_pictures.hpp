// Pictures made in code for the sample cards (card_samples.cpp): photos of any aspect ratio and
// avatars, so the samples need no image files. Deterministic: the same arguments give the same
// pixels. Each pattern has hard edges, smooth gradients and fine detail, so scaling, cropping
// and placement mistakes all show.
#pragma once

#include "geometry.hpp"
#include "items/media.hpp"

namespace pipectl::render {

enum class PicturePattern {
  landscape,  // sky gradient, a sun, hills: a "photo"
  stripes,    // diagonal stripes over a gradient (aliasing shows when downscaling is poor)
  checker,    // a checkerboard with a border of one pixel (edge placement shows)
  rings,      // concentric rings round the centre (a stretched aspect ratio shows)
};

// An opaque width x height RGBA picture in colours `from` .. `to`.
items::Image sample_picture(int width, int height, PicturePattern pattern, Color from, Color to);

// A square avatar: a head and shoulders in `figure` on a gradient from `from` to `to`.
items::Image sample_avatar(int size, Color from, Color to, Color figure);

enum class EmojiShape {
  face,   // a round face with eyes and a smile in `feature`
  heart,  // a heart with a shine in `feature`
};

// A custom emoji as an instance serves one: a `size` x `size` picture of `shape` in `fill`,
// transparent around it (edges antialiased), so a card must blend it.
items::Image sample_emoji(int size, EmojiShape shape, Color fill, Color feature);

}  // namespace pipectl::render
