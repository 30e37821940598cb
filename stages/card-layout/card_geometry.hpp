// The geometry of cards: sizes of their parts for a frame size, and where photos go. Pure
// arithmetic, kept apart from drawing so it can be reasoned about (and tested) alone.
#pragma once

#include <string_view>
#include <vector>

#include "geometry.hpp"

namespace pipectl::render {

// Every length of a card, in px, for one frame size. Lengths are designed for a 1080 px short
// side and scale with it, so 1920x1080, 1080x1920 and 1080x1080 look alike, and a 720p run
// is the same card smaller.
struct CardMetrics {
  CardMetrics(int width, int height);

  int width;
  int height;
  double unit;  // px per design px: short side / 1080

  int margin;       // frame edge to card
  int radius;       // card corners
  int padding;      // card edge to content
  int label_size;   // "Reposted", "Quoting @x"
  int label_gap;    // below the label
  int avatar;       // avatar diameter; also the header's height
  int avatar_gap;   // avatar to names
  int name_size;    // display name
  int meta_size;    // @username · time
  int header_gap;   // header to text
  int section_gap;  // text to photos
  int photo_gap;    // between photos
  int note_size;    // the note in a photo placeholder; "… 1,234 more characters"
  int footer_size;  // reply, repost and like counts
  int footer_gap;   // above the footer
  int quote_padding;      // quoted post's border to its content
  int quote_radius;
  int quote_border;       // width of the quoted post's border
  int quote_name_size;    // quoted author
  double quote_text_max;  // quoted text: largest ...
  double quote_text_min;  // ... and smallest size
  int badge;              // play badge diameter on video and GIF previews
  int warning_size;       // a content warning's text
  int warning_padding;    // its band's edge to the sign and the text
  int link_padding;       // a link card's border to its content
  int link_host_size;     // the linked site's host ("example.com")
  int link_title_size;    // the link's title (bold)
  int link_text_size;     // its description
  int link_thumb;         // the side of its picture beside the text
  // Tall frames put a link's picture above its text, as wide as the card; others beside it.
  bool link_thumb_above;
  int poll_size;          // a poll option's title and percentage
  int poll_row_padding;   // an option row's edge to its text
  int poll_row_gap;       // between option rows
  double text_max;  // post text size: largest ...
  double text_min;  // ... and smallest before the text is cut
  // Landscape frames put photos beside the text (a column each); others put them below.
  bool photos_beside_text;
  double text_column_share;  // of the content width, when photos are beside the text
  double min_photo_share;    // of the height below the header, when photos are below

  Rect card() const;
  Rect content() const;
  int scaled(double design_px) const;
};

// Custom emoji (and any picture set in a line of text) are drawn in a square of this many em,
// in a cell of kInlineImageAdvance em: about the size of a colour emoji of the same text.
inline constexpr double kInlineImageEm = 1.1;
inline constexpr double kInlineImageAdvance = 1.2;

// Whether `text` has anything to draw (not only spaces and line breaks). A post without it gives
// its photos all the room below the header.
bool has_visible_text(std::string_view text);

// The most room a card can give its photos: all below the header when the post has no text;
// the column beside the text on landscape frames; below the text (at least a gap) otherwise.
// The post card's layout (post_card.cpp) never gives more: a label line only takes away.
// download-media asks for picture variants that cover it.
Rect largest_photo_area(const CardMetrics& metrics, bool has_text);

// The longest side a card draws a link card's picture at: beside the text, its square; above
// it (tall frames), the card's content width. download-media decodes the picture no larger.
int largest_link_thumb_side(const CardMetrics& metrics);

// The side of an inline picture (a custom emoji) in post text at its largest size.
// download-media decodes custom emoji no larger.
int largest_inline_image_side(const CardMetrics& metrics);

// The largest rectangle with the image's aspect ratio inside `box`, centred in it.
Rect fit_rect(int image_width, int image_height, const Rect& box);

// The centred part of a `image_width` x `image_height` image with the aspect ratio of `box`:
// what a cell of a photo grid shows, the picture filling the cell as a timeline crops it.
Rect crop_to_fill(int image_width, int image_height, const Rect& box);

// Cells for `count` photos in `area`: 1 fills it, 2 side by side (or stacked when the area is
// tall), 3 one large and two small, 4 a 2x2 grid. More than 4 (the API allows 4) shows 4.
std::vector<Rect> photo_grid(const Rect& area, int count, int gap);

}  // namespace pipectl::render
