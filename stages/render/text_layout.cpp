#include "text_layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "card_geometry.hpp"

namespace pipectl::render {

namespace {

// Each step down is 8 % smaller: fine enough that the chosen size is close to the largest
// that fits, coarse enough that a long post costs only a handful of wrap passes.
constexpr double kSizeStep = 0.92;

// An inline picture's square reaches this far (em) below the baseline, as colour emoji do.
constexpr double kInlineImageDescent = 0.2;

}  // namespace

TextLayouter::TextLayouter(FontSet& fonts) : fonts_(fonts) {}

TextLayouter::~TextLayouter() = default;

int TextLayouter::trim_end(const Paragraph& paragraph, int start, int end) {
  while (end > start && paragraph.is_space(end - 1)) --end;
  return end;
}

int TextLayouter::line_end(const Paragraph& paragraph, int start, double max_em,
                           bool at_least_one_cluster) {
  const int n = paragraph.length();
  double width = 0;
  int last_break = -1;
  for (int i = start; i < n;) {
    const int next = paragraph.next_cluster(i);
    double cluster = 0;
    for (int k = i; k < next; ++k) cluster += paragraph.advance(k);
    if (i > start && paragraph.can_break_before(i)) last_break = i;
    // White space may hang past the edge: it is trimmed from the line's end.
    if (width + cluster > max_em && !paragraph.is_space(i)) {
      if (last_break > start) return last_break;
      if (i > start) return i;  // one word wider than the box: cut between clusters
      return at_least_one_cluster ? next : start;
    }
    width += cluster;
    i = next;
  }
  return n;
}

bool TextLayouter::wrap(const Paragraph& paragraph, double max_em, std::size_t limit,
                        std::vector<LineSpan>& out) {
  const int n = paragraph.length();
  if (n == 0) {  // a blank line between paragraphs
    if (out.size() >= limit) return false;
    out.push_back({&paragraph, 0, 0});
    return true;
  }
  for (int start = 0; start < n;) {
    if (out.size() >= limit) return false;
    // A cluster wider than the whole box still gets a line of its own (and is clipped), or
    // the text would never advance.
    const int end = line_end(paragraph, start, max_em, true);
    out.push_back({&paragraph, start, trim_end(paragraph, start, end)});
    start = end;
  }
  return true;
}

TextLayout TextLayouter::layout(std::string_view text, double width, double height,
                                const TextStyle& style, std::span<const InkRange> inks,
                                std::span<const InlineObject> objects) {
  TextLayout result;
  const double max_size = std::max(1.0, style.max_size);
  const double min_size = std::clamp(style.min_size, 1.0, max_size);
  Font& primary = fonts_.primary(style.weight);
  const FontMetrics metrics = primary.metrics();
  // Bounded below so that a degenerate font or spacing cannot make the line count unbounded.
  const double line_em =
      std::max(0.1, (metrics.ascender + metrics.descender) * style.line_spacing);

  std::vector<std::unique_ptr<Paragraph>> paragraphs;
  for (ParagraphText& p : split_paragraphs(text, inks, objects))
    paragraphs.push_back(std::make_unique<Paragraph>(std::move(p), fonts_, style.weight, tools_));
  if (paragraphs.empty() || width <= 0 || height <= 0) {
    result.size = max_size;
    result.line_advance = line_em * max_size;
    result.truncated = !paragraphs.empty();
    return result;
  }

  // Largest size at which everything fits; at the minimum, as much as fits.
  double size = max_size;
  std::vector<LineSpan> spans;
  // Wraps every paragraph at `size` into lines `room` px tall; false when they do not all fit.
  auto wrap_all = [&](double room) {
    std::size_t limit = static_cast<std::size_t>(std::floor(std::max(0.0, room) / (line_em * size) + 1e-6));
    if (style.max_lines > 0) limit = std::min<std::size_t>(limit, style.max_lines);
    spans.clear();
    for (const auto& paragraph : paragraphs)
      if (!wrap(*paragraph, width / size, limit, spans)) return false;
    return true;
  };
  bool fits = false;
  for (;;) {
    fits = wrap_all(height);
    if (fits || size <= min_size) break;
    size = std::max(min_size, size * kSizeStep);
  }
  // Cut: the lines shaped already are wrapped again with room kept under them (a note).
  if (!fits && style.cut_reserve > 0) wrap_all(height - style.cut_reserve);

  // Shape the "…" once; it is drawn with the primary font.
  ShapedLine ellipsis;
  if (!fits) {
    icu::UnicodeString dots(static_cast<UChar32>(0x2026));
    Paragraph ellipsis_paragraph(ParagraphText{dots, {}, {}}, fonts_, style.weight, tools_);
    ellipsis = ellipsis_paragraph.shape_line(0, ellipsis_paragraph.length(), tools_);
    // The last line that fits is wrapped again, narrower, to make room for the ellipsis.
    // A blank line cannot carry the ellipsis: it goes on the text before it.
    while (spans.size() > 1 && spans.back().paragraph->length() == 0) spans.pop_back();
    if (!spans.empty()) {
      LineSpan& last = spans.back();
      const double room = width / size - ellipsis.width;
      const int end = room > 0 ? line_end(*last.paragraph, last.start, room, false) : last.start;
      last.end = trim_end(*last.paragraph, last.start, end);
    }
  }

  result.size = size;
  result.line_advance = line_em * size;
  result.truncated = !fits;
  if (!fits) {
    // What the reader does not see: the rest of the last line's paragraph, and every
    // paragraph after it.
    std::size_t next = 0;
    if (!spans.empty()) {
      const LineSpan& last = spans.back();
      result.cut_clusters = last.paragraph->clusters_from(last.end);
      while (next < paragraphs.size() && paragraphs[next].get() != last.paragraph) ++next;
      ++next;
    }
    for (; next < paragraphs.size(); ++next) result.cut_clusters += paragraphs[next]->clusters_from(0);
  }
  // Lines are as tall as the primary font's ascender + descender (times the spacing); the
  // glyphs sit on a baseline centred in that band.
  const double band = (metrics.ascender + metrics.descender) * size;
  const double first_baseline = (result.line_advance - band) / 2 + metrics.ascender * size;

  for (std::size_t l = 0; l < spans.size(); ++l) {
    const LineSpan& span = spans[l];
    const bool last_line = l + 1 == spans.size();
    ShapedLine line = span.paragraph->shape_line(span.start, span.end, tools_);
    const bool rtl = span.paragraph->rtl();
    const bool with_ellipsis = !fits && last_line;
    double line_width = (line.width + (with_ellipsis ? ellipsis.width : 0)) * size;
    // Measuring credits a ligature's advance to its first character, so a reshaped line can
    // come out a hair wider than measured; the box is a hard limit, so squeeze such a line.
    double squeeze = 1.0;
    if (line_width > width) {
      squeeze = width / line_width;
      line_width = width;
    }

    double x = 0;
    switch (style.align) {
      case Align::start:
        x = rtl ? width - line_width : 0;
        break;
      case Align::left:
        x = 0;
        break;
      case Align::center:
        x = (width - line_width) / 2;
        break;
      case Align::right:
        x = width - line_width;
        break;
    }
    const double baseline = first_baseline + static_cast<double>(l) * result.line_advance;
    result.lines.push_back({x, line_width, baseline, rtl});
    result.width = std::max(result.width, line_width);

    // The ellipsis goes where the text would have gone on: right of a left-to-right line,
    // left of a right-to-left one.
    double pen = x;
    auto place = [&](const ShapedLine& shaped) {
      for (const ShapedGlyph& g : shaped.glyphs)
        result.glyphs.push_back(
            {g.font, g.glyph, pen + g.x * size * squeeze, baseline - g.y * size, g.ink});
      // A picture is centred in its cell, which a squeezed line narrows a little.
      const double side = kInlineImageEm * size;
      for (const ShapedObject& o : shaped.objects)
        result.images.push_back({o.index, pen + (o.x + (kInlineImageAdvance - kInlineImageEm) / 2) * size * squeeze,
                                 baseline - (kInlineImageEm - kInlineImageDescent) * size, side});
      pen += shaped.width * size * squeeze;
    };
    if (with_ellipsis && rtl) place(ellipsis);
    place(line);
    if (with_ellipsis && !rtl) place(ellipsis);
  }
  result.height = result.line_advance * static_cast<double>(spans.size());
  return result;
}

}  // namespace pipectl::render
