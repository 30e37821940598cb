// One paragraph of text analysed for layout: bidi levels, scripts, a font per grapheme
// cluster, break opportunities, and the advance of every character measured by shaping once.
// Everything here is independent of the text size (advances are in em), so the layout can
// try several sizes, and wrap at each, without shaping again.
#pragma once

#include <unicode/brkiter.h>
#include <unicode/unistr.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "fonts.hpp"
#include "handles.hpp"

namespace pipectl::render {

// A glyph placed on a line, in em relative to the line's left end and baseline (y up).
struct ShapedGlyph {
  Font* font = nullptr;
  unsigned glyph = 0;
  double x = 0;
  double y = 0;
  std::uint8_t ink = 0;  // which colour of the palette draws it (see InkRange)
};

// An inline picture on a line (see InlineObject): its cell starts `x` em from the line's left end.
struct ShapedObject {
  int index = 0;  // InlineObject::index
  double x = 0;
};

struct ShapedLine {
  std::vector<ShapedGlyph> glyphs;    // in visual order, left to right
  std::vector<ShapedObject> objects;  // inline pictures, left to right
  double width = 0;                   // em
};

// Reusable ICU iterators and a HarfBuzz buffer: creating them costs more than using them.
class ShapingTools {
 public:
  ShapingTools();
  ShapingTools(const ShapingTools&) = delete;
  ShapingTools& operator=(const ShapingTools&) = delete;
  ~ShapingTools();

  icu::BreakIterator& graphemes() { return *graphemes_; }
  icu::BreakIterator& line_breaks() { return *line_breaks_; }
  hb_buffer_t* buffer() { return buffer_.get(); }

 private:
  std::unique_ptr<icu::BreakIterator> graphemes_;
  std::unique_ptr<icu::BreakIterator> line_breaks_;
  HbBufferHandle buffer_;
};

// A stretch of UTF-8 text drawn in another colour of the palette: ink 0 is the text colour,
// 1 the accent (hashtags, mentions, links). Offsets are bytes of the text given to layout;
// ranges are sorted and do not overlap.
struct InkRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::uint8_t ink = 1;
};

// A picture set in the text like one character (a custom emoji): the U+FFFC (OBJECT
// REPLACEMENT CHARACTER) at byte `at` of the text given to layout stands for picture `index` of
// the caller's list. It wraps and breaks as that character does, takes kInlineImageAdvance em
// of its line (card_geometry.hpp) and draws no glyph. Sorted by `at`; a U+FFFC not named here
// is drawn as the fonts draw it.
struct InlineObject {
  std::size_t at = 0;
  int index = 0;
};

// One paragraph's text, the ink of each of its UTF-16 units (empty: all ink 0), and the inline
// picture at each unit (-1: none; empty: no pictures in the paragraph).
struct ParagraphText {
  icu::UnicodeString text;
  std::vector<std::uint8_t> inks;
  std::vector<int> objects;
};

class Paragraph {
 public:
  // `text` holds no line breaks or control characters (see split_paragraphs).
  Paragraph(ParagraphText text, FontSet& fonts, FontWeight weight, ShapingTools& tools);
  Paragraph(const Paragraph&) = delete;
  Paragraph& operator=(const Paragraph&) = delete;
  ~Paragraph();

  int length() const { return text_.length(); }
  // Visible grapheme clusters in units [start, length()): what a cut at `start` leaves out.
  int clusters_from(int start) const;
  bool rtl() const { return base_level_ & 1; }
  // The inline picture unit i stands for (InlineObject::index); -1 for text.
  int object_at(int i) const { return objects_.empty() ? -1 : objects_[static_cast<std::size_t>(i)]; }

  // Per UTF-16 unit i: the em advance credited to it (a ligature credits its first unit),
  // whether a line may start at i, whether a grapheme cluster starts at i, and whether unit i
  // is white space that may hang past the end of a line.
  double advance(int i) const { return advance_[i]; }
  bool can_break_before(int i) const { return can_break_[i]; }
  bool cluster_starts_at(int i) const { return cluster_start_[i]; }
  bool is_space(int i) const { return space_[i]; }
  // The end of the grapheme cluster starting at i.
  int next_cluster(int i) const;

  // Shapes units [start, end) as one line in visual order. Each bidi run is shaped with the
  // line as its context, so Arabic letters join across font or script changes.
  ShapedLine shape_line(int start, int end, ShapingTools& tools) const;

 private:
  // A maximal range with one bidi level, script and font: the unit HarfBuzz shapes. A run of
  // inline pictures has no font and is not shaped.
  struct Run {
    int start = 0;
    int end = 0;
    UBiDiLevel level = 0;
    hb_script_t script = HB_SCRIPT_COMMON;
    Font* font = nullptr;
  };

  void itemize(FontSet& fonts, FontWeight weight);
  void measure(ShapingTools& tools);
  // Shapes [start, end) (inside one run) with [context_start, context_end) as context; the
  // glyphs are left in tools.buffer(), clusters counted from context_start.
  void shape(const Run& run, int start, int end, bool rtl, int context_start, int context_end,
             ShapingTools& tools) const;

  // ubidi keeps a pointer into the text, so a Paragraph never moves (hence no copies and the
  // owner keeps it behind a pointer).
  icu::UnicodeString text_;
  std::vector<std::uint8_t> inks_;
  std::vector<int> objects_;
  UBiDiHandle bidi_;
  UBiDiLevel base_level_ = 0;
  std::vector<Run> runs_;
  std::vector<double> advance_;
  std::vector<unsigned char> can_break_;
  std::vector<unsigned char> cluster_start_;
  std::vector<unsigned char> space_;
};

// Splits UTF-8 text into paragraphs: invalid UTF-8 becomes U+FFFD, CR LF and the Unicode
// separators become line ends, tabs become spaces, other control characters go, and runs of
// blank lines shrink to one blank line (posts often pad with several). Each unit keeps the
// ink of the `inks` range its source bytes fall in, and the U+FFFC that `objects` name their
// picture.
std::vector<ParagraphText> split_paragraphs(std::string_view utf8,
                                            std::span<const InkRange> inks = {},
                                            std::span<const InlineObject> objects = {});

}  // namespace pipectl::render
