// Text set in a box: paragraphs wrapped greedily at line-break opportunities, at the largest
// size (from a maximum down to a minimum) at which everything fits, and cut with "…" when
// even the minimum does not. Glyphs never extend past the box's width, and the lines never
// past its height.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "fonts.hpp"
#include "paragraph.hpp"

namespace pipectl::render {

enum class Align {
  start,  // the paragraph's own start: left for left-to-right text, right for Arabic/Hebrew
  left,
  center,
  right,
};

struct TextStyle {
  FontWeight weight = FontWeight::regular;
  double max_size = 40;       // px per em
  double min_size = 40;       // px per em; at most max_size
  double line_spacing = 1.0;  // baseline distance, as a multiple of ascender + descender
  int max_lines = 0;          // 0: as many as the height holds
  Align align = Align::start;
  // Px kept free under the text when it does not fit even at min_size (a note of what was
  // cut goes there); the text wraps once more into the rest, its paragraphs shaped once.
  double cut_reserve = 0;
};

// A glyph ready for the raster: `x`, `baseline` in px relative to the box's top-left corner.
struct PlacedGlyph {
  Font* font = nullptr;
  unsigned glyph = 0;
  double x = 0;
  double baseline = 0;
  std::uint8_t ink = 0;  // 0: the text colour, 1: the accent (see InkRange)
};

// An inline picture placed in the text (see InlineObject): its square, `x`, `y` its top-left
// corner in px relative to the box's top-left corner, `side` px wide and tall. The picture is
// fitted in it with its aspect kept.
struct PlacedImage {
  int index = 0;  // InlineObject::index
  double x = 0;
  double y = 0;
  double side = 0;
};

struct LineBox {
  double x = 0;         // px from the box's left edge to the line's left end
  double width = 0;     // px, without trailing white space
  double baseline = 0;  // px from the box's top
  bool rtl = false;     // the paragraph's direction
};

struct TextLayout {
  double size = 0;          // px per em the text was set at
  double line_advance = 0;  // px between baselines
  double height = 0;        // px taken by the lines: line_advance * lines.size()
  double width = 0;         // px of the widest line
  bool truncated = false;   // some text did not fit; the last line ends in "…"
  int cut_clusters = 0;     // grapheme clusters left out when truncated (spaces included)
  std::vector<LineBox> lines;
  std::vector<PlacedGlyph> glyphs;
  std::vector<PlacedImage> images;
};

class TextLayouter {
 public:
  explicit TextLayouter(FontSet& fonts);
  TextLayouter(const TextLayouter&) = delete;
  TextLayouter& operator=(const TextLayouter&) = delete;
  ~TextLayouter();

  // Sets UTF-8 `text` (malformed sequences show as U+FFFD) in a `width` x `height` px box;
  // glyphs of `inks` ranges carry their ink, and the U+FFFC that `objects` name are placed as
  // their pictures.
  TextLayout layout(std::string_view text, double width, double height, const TextStyle& style,
                    std::span<const InkRange> inks = {}, std::span<const InlineObject> objects = {});

 private:
  struct LineSpan {
    const Paragraph* paragraph = nullptr;
    int start = 0;
    int end = 0;  // trailing white space excluded
  };

  // Lines of `paragraph` wrapped to `max_em`, appended to `out` until it holds `limit`
  // lines. Returns false when the paragraph needed more.
  static bool wrap(const Paragraph& paragraph, double max_em, std::size_t limit,
                   std::vector<LineSpan>& out);
  // Where the line starting at `start` ends when it may be `max_em` wide: at the last break
  // opportunity that fits, else between grapheme clusters.
  static int line_end(const Paragraph& paragraph, int start, double max_em,
                      bool at_least_one_cluster);
  static int trim_end(const Paragraph& paragraph, int start, int end);

  FontSet& fonts_;
  ShapingTools tools_;
};

}  // namespace pipectl::render
