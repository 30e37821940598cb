// Draws the cards of a video: one per post, and a title card for the day. This is also the
// render module's API for tests: each call returns the canvas and the rectangles it used, so
// a test can check pixels against the layout.
//
// A CardRenderer owns its fonts and caches; it is not thread-safe. Use one per thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "canvas.hpp"
#include "card_geometry.hpp"
#include "fonts.hpp"
#include "items/media.hpp"
#include "post_text.hpp"
#include "text_layout.hpp"
#include "text_raster.hpp"
#include "theme.hpp"
#include "time_format.hpp"

namespace pipectl::render {

struct PostCardLayout {
  Rect card;        // the card panel; the frame's background shows around it
  Rect label;       // "Ada reposted", "Reposted from @x", "Quoting @x", "Replying to @x"; empty
                    // when none
  Rect repost_icon; // the repost arrows before "<name> reposted" (inside label); empty otherwise
  Rect header;      // avatar, display name, @username and time
  Rect avatar;      // the avatar circle's bounding square
  Rect text_box;    // post text (and its content warning, quoted post, link card and poll) are
                    // drawn (clipped) here and nowhere else; empty without any of them
  Rect content_warning;  // the band above the text saying what it is about (Mastodon's spoiler
                         // text); inside text_box; empty when none
  Rect warning_sign;     // the sign at the band's start
  Rect note;        // "… 1,234 more characters" under cut text; empty when nothing was cut
  Rect quote;       // the quoted post's nested card, inside text_box; empty when none. For a
                    // quote whose post is unavailable (no text, no author): the box saying so
  bool quote_unavailable = false;
  Rect link_card;   // the link preview's bordered box under the text and quote, inside text_box;
                    // empty when none or when there is no room for it
  Rect link_thumb;  // its picture, inside link_card; empty without one
  Rect poll;        // the poll's rows and its line, under the text, inside text_box; empty when none
  std::vector<Rect> poll_rows;  // one per option shown, top to bottom
  std::vector<Rect> poll_bars;  // per row, its share of the votes; none when the votes are unknown
  Rect poll_summary;            // "12 people · Final results" under the rows; empty when nothing to say
  std::vector<Rect> emoji;      // custom emoji pictures in the post text (each clipped to text_box)
  Rect footer;      // reply, repost, like and quote counts; empty when all are zero
  Rect photo_area;  // photos are drawn here and nowhere else; empty without media
  std::vector<Rect> photo_cells;   // one per shown photo (at most 4)
  std::vector<Rect> photo_rects;   // per cell: where the image went (a lone photo fitted with
                                   // its aspect kept; in a grid, the cell it fills), or the
                                   // whole cell for a placeholder
  std::vector<bool> placeholders;  // per cell: the image was not available
  std::vector<Rect> badges;        // play badges on video and GIF previews
  double text_size = 0;            // px per em the post text was set at
  int text_lines = 0;
  bool text_truncated = false;  // the text did not fit and ends in "…"
  int cut_characters = 0;       // grapheme clusters not shown when truncated
};

struct TitleCardLayout {
  Rect card;
  Rect name;    // display name; empty when unknown
  Rect handle;  // @handle
  Rect date;    // "Tuesday, 24 November 2026"; empty when the day is unknown
  Rect count;   // "12 posts", "12 posts · 3 reposts"
};

// The end card: the same person and day, and what the day added up to.
struct EndCardLayout {
  Rect card;
  Rect heading;  // "That was the day"
  Rect who;      // "@handle · Tuesday, 24 November 2026"
  Rect totals;   // "12 posts and 3 reposts": the day's own posts, and its reposts of others
  Rect counts;   // "56 reposts · 1,234 likes": what the own posts received; empty when none
};

// Counts are of the handle's own posts: a repost (Post::is_repost, drawn as the original or
// not) is counted apart, and its numbers, which are the original's, are not summed.
struct EndInfo {
  std::string handle;  // without '@'
  std::string day;     // YYYY-MM-DD; empty when unknown
  int post_count = 0;     // the handle's own posts
  items::Metrics totals;  // summed over the handle's own posts
  int repost_count = 0;   // reposts of other people's posts
};

struct TitleInfo {
  std::string handle;        // without '@'
  std::string display_name;  // empty when unknown (a day without posts)
  std::string day;           // YYYY-MM-DD; empty when unknown
  int post_count = 0;        // the handle's own posts
  int repost_count = 0;      // reposts of other people's posts
};

struct RenderedPost {
  Canvas canvas;
  PostCardLayout layout;
};

struct RenderedTitle {
  Canvas canvas;
  TitleCardLayout layout;
};

struct RenderedEnd {
  Canvas canvas;
  EndCardLayout layout;
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
  RenderedEnd render_end(const EndInfo& end);
  // Gives back a card's canvas once it is no longer needed: the next card is drawn on it.
  // A fresh canvas is 8 MB at 1080p whose every page faults in on first touch (pipectl
  // returns such blocks to the system on free): recycling halved a 100-post run's minor page
  // faults (360k to 158k, /usr/bin/time) and cut its system time from 0.59 to 0.44 s.
  void recycle(Canvas&& canvas);

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
  // What a post shows below its header besides photos, top to bottom.
  struct PostBody {
    std::string_view warning;                   // the content warning; empty: none
    StyledText text;
    const items::ReferencedPost* quote = nullptr;
    const items::LinkCard* link = nullptr;
    const items::Image* link_thumb = nullptr;   // usable, or null
    const items::Poll* poll = nullptr;
    bool empty() const;
  };
  // The body in `box`; returns the height used (all of it unless `shrink`, when it is what it
  // needs). The text keeps room for two lines; the quote, link card and poll are drawn, in that
  // order, while their least heights still fit, and then the text keeps at most 60% of the box.
  // Each takes what it needs of the rest, leaving the ones after it their least height.
  int draw_body(Canvas& canvas, const PostBody& body, const Rect& box, bool shrink, PostCardLayout& layout);
  // What may follow the text, in the order it is drawn (an index into per-part arrays).
  enum BodyPart { quote_part, link_part, poll_part, body_parts };
  // The least height `part` of `body` can be drawn in; 0 when the body has none.
  int least_height(const PostBody& body, BodyPart part);
  // The content warning as a band at the top of `box`: the sign, then the warning in bold on
  // the placeholder colour, in at most two lines; returns the band (empty when no room).
  Rect draw_content_warning(Canvas& canvas, std::string_view warning, const Rect& box, PostCardLayout& layout);
  // A warning sign (a triangle holding "!") in the square `square`.
  void draw_warning_sign(Canvas& canvas, const Rect& square, Color background);
  // The link card at the top of `box`, as tall as its content needs: its picture beside (or,
  // on tall frames, above) the site's host, the title in bold and the description; empty
  // parts are left out. Returns its frame (empty when there is no room).
  Rect draw_link_card(Canvas& canvas, const items::LinkCard& link, const items::Image* thumb, const Rect& box,
                      PostCardLayout& layout);
  // The poll at the top of `box`: a row per option (with its share of the votes as a bar and
  // a percentage when the votes are known), then a line with the voters and whether it is
  // closed. Options that do not fit are counted in that line. Returns its extent (empty when
  // there is no room).
  Rect draw_poll(Canvas& canvas, const items::Poll& poll, const Rect& box, PostCardLayout& layout);
  // The post text, with a note of what was cut when it does not fit; returns the box used.
  Rect draw_post_text(Canvas& canvas, const StyledText& text, const Rect& box,
                      const TextStyle& style, bool shrink, PostCardLayout& layout);
  // The quoted post as a bordered card at the top of `box`, as tall as its content needs;
  // returns its frame (empty when there is no room).
  Rect draw_quote(Canvas& canvas, const items::ReferencedPost& quote, const Rect& box);
  // The box X draws where a quoted post is missing (deleted, protected, not included):
  // "This post is unavailable." in the secondary colour; returns its frame (empty when there
  // is no room).
  Rect draw_unavailable_quote(Canvas& canvas, const Rect& box);
  // X's repost arrows, in `color`, in a square of side `size` at (x, y).
  void draw_repost_icon(Canvas& canvas, int x, int y, int size, Color color);
  void draw_photos(Canvas& canvas, const items::MediaPost& post, PostCardLayout& layout);
  void draw_play_badge(Canvas& canvas, const Rect& image, bool gif, PostCardLayout& layout);
  struct CentredLine {
    std::string text;
    int size;
    FontWeight weight;
    Color color;
    int gap_before;
    Rect* rect;
  };
  // Lines centred on the card, the block centred vertically: title and end cards.
  void draw_centred_lines(Canvas& canvas, std::vector<CentredLine> lines);
  Canvas blank_card();
  int line_height(int size, FontWeight weight);
  std::optional<Canvas> spare_;  // recycled, for the next blank_card

  CardMetrics metrics_;
  Theme theme_;
  TimeFormatter time_;
  FontSet fonts_;
  TextLayouter layouter_;
  TextRaster raster_;
};

// The label above a post's header: who reposted it ("Ada reposted", for a repost drawn as its
// original, the name isolated as isolated_name does), then the post it reposts, quotes or
// answers, joined by " · "; empty for an original post.
std::string reference_label(const items::Post& post);

// "<reposter's name> reposted" for a post drawn as the original it reposts; empty otherwise.
std::string reposter_line(const items::Post& post);

// Each option's share of a poll's votes (0 to 1), as Mastodon counts it: of the voters for a
// multiple-choice poll that gives them, else of all votes. nullopt when the votes are not
// known for every option (the card then shows the options only).
std::optional<std::vector<double>> poll_shares(const items::Poll& poll);

}  // namespace pipectl::render
