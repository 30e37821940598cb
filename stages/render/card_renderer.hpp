// Draws the cards of a video: one per post, and a title card for the day. This is also the
// render module's API for tests: each call returns the canvas and the rectangles it used, so
// a test can check pixels against the layout.
//
// A CardRenderer owns its fonts and caches; it is not thread-safe. Use one per thread.
#pragma once

#include <string>
#include <vector>

#include "canvas.hpp"
#include "card_geometry.hpp"
#include "fonts.hpp"
#include "items/media.hpp"
#include "text_layout.hpp"
#include "text_raster.hpp"
#include "theme.hpp"
#include "time_format.hpp"

namespace pipectl::render {

struct PostCardLayout {
  Rect card;        // the card panel; the frame's background shows around it
  Rect label;       // "Reposted", "Quoting @x", "Replying to @x"; empty when none
  Rect header;      // avatar, display name, @username and time
  Rect avatar;      // the avatar circle's bounding square
  Rect text_box;    // post text is drawn (clipped) here and nowhere else; empty without text
  Rect photo_area;  // photos are drawn here and nowhere else; empty without media
  std::vector<Rect> photo_cells;   // one per shown photo (at most 4)
  std::vector<Rect> photo_rects;   // per cell: the image fitted with its aspect kept, or the
                                   // whole cell for a placeholder
  std::vector<bool> placeholders;  // per cell: the image was not available
  double text_size = 0;            // px per em the post text was set at
  int text_lines = 0;
  bool text_truncated = false;  // the text did not fit and ends in "…"
};

struct TitleCardLayout {
  Rect card;
  Rect name;    // display name; empty when unknown
  Rect handle;  // @handle
  Rect date;    // "Tuesday, 24 November 2026"; empty when the day is unknown
  Rect count;   // "12 posts"
};

struct TitleInfo {
  std::string handle;        // without '@'
  std::string display_name;  // empty when unknown (a day without posts)
  std::string day;           // YYYY-MM-DD; empty when unknown
  int post_count = 0;
};

struct RenderedPost {
  Canvas canvas;
  PostCardLayout layout;
};

struct RenderedTitle {
  Canvas canvas;
  TitleCardLayout layout;
};

class CardRenderer {
 public:
  // Throws std::invalid_argument for a frame smaller than 64x64 or larger than 8192x8192, or
  // an unknown time zone; std::runtime_error when no font can be found.
  CardRenderer(int width, int height, const std::string& time_zone = "UTC", Theme theme = {});
  CardRenderer(const CardRenderer&) = delete;
  CardRenderer& operator=(const CardRenderer&) = delete;
  ~CardRenderer();

  RenderedPost render_post(const items::MediaPost& post);
  RenderedTitle render_title(const TitleInfo& title);

  int width() const { return metrics_.width; }
  int height() const { return metrics_.height; }
  const TimeFormatter& time_formatter() const { return time_; }

 private:
  // Lays `text` out in `box` and draws it clipped to `box`; returns the layout.
  TextLayout draw_text(Canvas& canvas, std::string_view text, const Rect& box,
                       const TextStyle& style, Color color);
  // The author's picture in a circle, or a coloured disc with the initial when there is none.
  void draw_avatar(Canvas& canvas, const Rect& square, const items::Author& author,
                   const std::optional<items::Image>& picture);
  void draw_header(Canvas& canvas, const Rect& header, const items::Post& post,
                   const std::optional<items::Image>& avatar, PostCardLayout& layout);
  void draw_photos(Canvas& canvas, const items::MediaPost& post, PostCardLayout& layout);
  Canvas blank_card() const;
  int line_height(int size, FontWeight weight);

  CardMetrics metrics_;
  Theme theme_;
  TimeFormatter time_;
  FontSet fonts_;
  TextLayouter layouter_;
  TextRaster raster_;
};

// The label above a post's header that names the post it reposts, quotes or answers; empty
// for an original post.
std::string reference_label(const items::Post& post);

}  // namespace pipectl::render
