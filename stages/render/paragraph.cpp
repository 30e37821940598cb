#include "paragraph.hpp"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "card_geometry.hpp"

namespace pipectl::render {

namespace {

void check(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) throw std::runtime_error(std::string(what) + ": " + u_errorName(status));
}

hb_script_t to_hb_script(UScriptCode script) {
  const char* tag = uscript_getShortName(script);
  return tag ? hb_script_from_string(tag, -1) : HB_SCRIPT_COMMON;
}

bool is_line_end(UChar32 c) {
  return c == u'\n' || c == u'\r' || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028 ||
         c == 0x2029;
}

}  // namespace

// ---------------------------------------------------------------------------------------

ShapingTools::ShapingTools() {
  UErrorCode status = U_ZERO_ERROR;
  graphemes_.reset(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  check(status, "ICU character break iterator");
  line_breaks_.reset(icu::BreakIterator::createLineInstance(icu::Locale::getRoot(), status));
  check(status, "ICU line break iterator");
  buffer_.reset(hb_buffer_create());
  if (!hb_buffer_allocation_successful(buffer_.get())) throw std::bad_alloc();
}

ShapingTools::~ShapingTools() = default;

// ---------------------------------------------------------------------------------------

std::vector<ParagraphText> split_paragraphs(std::string_view utf8,
                                            std::span<const InkRange> inks,
                                            std::span<const InlineObject> objects) {
  std::vector<ParagraphText> paragraphs;
  ParagraphText current;
  int blank_lines = 0;
  auto end_paragraph = [&] {
    if (current.text.isEmpty()) {
      // Keep one blank line between paragraphs, none before the first.
      if (!paragraphs.empty() && blank_lines++ == 0) paragraphs.emplace_back();
    } else {
      blank_lines = 0;
      paragraphs.push_back(std::move(current));
    }
    current = ParagraphText{};
  };
  // Ranges are few (a post's entities): a moving index finds each byte's ink.
  auto ink_at = [&, next_range = std::size_t{0}](std::size_t byte) mutable -> std::uint8_t {
    while (next_range < inks.size() && inks[next_range].end <= byte) ++next_range;
    for (std::size_t r = next_range; r < inks.size() && inks[r].begin <= byte; ++r)
      if (byte < inks[r].end) return inks[r].ink;
    return 0;
  };
  // The picture a U+FFFC at `byte` stands for, or -1; asked in increasing byte order.
  auto object_at = [&, next_object = std::size_t{0}](std::size_t byte) mutable -> int {
    while (next_object < objects.size() && objects[next_object].at < byte) ++next_object;
    return next_object < objects.size() && objects[next_object].at == byte ? objects[next_object].index : -1;
  };
  auto append = [&](UChar32 c, std::uint8_t ink, int object) {
    current.text.append(c);
    const auto length = static_cast<std::size_t>(current.text.length());
    if (!inks.empty()) current.inks.resize(length, ink);
    // Only a paragraph holding a picture keeps a list of them (-1 for every other unit).
    if (object >= 0 || !current.objects.empty()) current.objects.resize(length, -1);
    if (object >= 0) current.objects.back() = object;
  };
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < length;) {
    const auto at = static_cast<std::size_t>(i);
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) c = 0xFFFD;  // a malformed sequence (U8_NEXT skipped its maximal subpart)
    if (c == u'\r' && i < length && bytes[i] == '\n') continue;  // CR LF is one line end
    if (is_line_end(c)) {
      end_paragraph();
    } else if (c == u'\t') {
      append(u' ', ink_at(at), -1);
    } else if (u_charType(c) != U_CONTROL_CHAR) {
      append(c, ink_at(at), c == 0xFFFC ? object_at(at) : -1);
    }
  }
  end_paragraph();
  while (!paragraphs.empty() && paragraphs.back().text.isEmpty()) paragraphs.pop_back();
  return paragraphs;
}

// ---------------------------------------------------------------------------------------

Paragraph::Paragraph(ParagraphText text, FontSet& fonts, FontWeight weight,
                     ShapingTools& tools)
    : text_(std::move(text.text)), inks_(std::move(text.inks)), objects_(std::move(text.objects)) {
  const int n = text_.length();
  advance_.assign(n, 0.0);
  can_break_.assign(n + 1, 0);
  cluster_start_.assign(n + 1, 0);
  space_.assign(n, 0);
  if (n == 0) return;

  UErrorCode status = U_ZERO_ERROR;
  bidi_.reset(ubidi_openSized(n, 0, &status));
  check(status, "ubidi_openSized");
  // UBIDI_DEFAULT_LTR: the first strong character decides (Arabic text is right to left),
  // and a paragraph without one (digits, emoji) reads left to right.
  ubidi_setPara(bidi_.get(), text_.getBuffer(), n, UBIDI_DEFAULT_LTR, nullptr, &status);
  check(status, "ubidi_setPara");
  base_level_ = ubidi_getParaLevel(bidi_.get());

  for (int i = 0; i < n; ++i) space_[i] = u_isWhitespace(text_.charAt(i));

  auto& lines = tools.line_breaks();
  lines.setText(text_);
  for (int32_t b = lines.first(); b != icu::BreakIterator::DONE; b = lines.next())
    can_break_[b] = 1;
  auto& clusters = tools.graphemes();
  clusters.setText(text_);
  for (int32_t b = clusters.first(); b != icu::BreakIterator::DONE; b = clusters.next())
    cluster_start_[b] = 1;

  itemize(fonts, weight);
  measure(tools);
}

Paragraph::~Paragraph() = default;

int Paragraph::clusters_from(int start) const {
  // Invisible clusters (the bidi isolates around entities, joiners on their own) are not
  // characters a reader would miss.
  int count = 0;
  for (int i = std::max(0, start); i < length(); ++i)
    if (cluster_start_[i] && !u_hasBinaryProperty(text_.char32At(i), UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) ++count;
  return count;
}

int Paragraph::next_cluster(int i) const {
  const int n = length();
  int j = i + 1;
  while (j < n && !cluster_start_[j]) ++j;
  return j;
}

void Paragraph::itemize(FontSet& fonts, FontWeight weight) {
  const int n = length();
  UErrorCode status = U_ZERO_ERROR;
  const UBiDiLevel* levels = ubidi_getLevels(bidi_.get(), &status);
  check(status, "ubidi_getLevels");

  // Script per unit. Common and Inherited characters (spaces, punctuation, combining marks)
  // take the script before them, or the first one after them at the start of the text, so
  // that "مرحبا، عالم" shapes as one Arabic run.
  std::vector<UScriptCode> scripts(n, USCRIPT_COMMON);
  UScriptCode last = USCRIPT_COMMON;
  for (int i = 0; i < n;) {
    const UChar32 c = text_.char32At(i);
    const int next = text_.moveIndex32(i, 1);
    UErrorCode s = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(c, &s);
    if (U_FAILURE(s)) script = USCRIPT_COMMON;
    if (script == USCRIPT_COMMON || script == USCRIPT_INHERITED) {
      script = last;
    } else if (last == USCRIPT_COMMON) {
      for (int k = 0; k < i; ++k) scripts[k] = script;
      last = script;
    } else {
      last = script;
    }
    for (int k = i; k < next; ++k) scripts[k] = script;
    i = next;
  }

  // Font per grapheme cluster, so that a base and its marks, or an emoji ZWJ sequence with
  // its variation selectors, are never split between fonts.
  std::vector<Font*> font_at(n, nullptr);
  std::vector<char32_t> cps;
  Font* previous = nullptr;
  for (int i = 0; i < n;) {
    const int end = next_cluster(i);
    if (object_at(i) >= 0) {  // an inline picture: no font (font_at stays null)
      i = end;
      continue;
    }
    cps.clear();
    for (int k = i; k < end; k = text_.moveIndex32(k, 1))
      cps.push_back(static_cast<char32_t>(text_.char32At(k)));
    Font* font = &fonts.font_for(cps.data(), cps.size(), weight, previous);
    for (int k = i; k < end; ++k) font_at[k] = font;
    // Spaces and punctuation follow the text font, not the emoji font: its space is as wide
    // as an emoji.
    previous = font->is_color() ? nullptr : font;
    i = end;
  }

  runs_.clear();
  for (int i = 0; i < n; ++i) {
    const hb_script_t script = to_hb_script(scripts[i]);
    if (runs_.empty() || runs_.back().level != levels[i] || runs_.back().script != script ||
        runs_.back().font != font_at[i]) {
      runs_.push_back(Run{i, i + 1, levels[i], script, font_at[i]});
    } else {
      runs_.back().end = i + 1;
    }
  }
}

void Paragraph::shape(const Run& run, int start, int end, bool rtl, int context_start,
                      int context_end, ShapingTools& tools) const {
  hb_buffer_t* buffer = tools.buffer();
  hb_buffer_clear_contents(buffer);
  hb_buffer_add_utf16(buffer, reinterpret_cast<const uint16_t*>(text_.getBuffer() + context_start),
                      context_end - context_start, static_cast<unsigned>(start - context_start),
                      end - start);
  hb_buffer_set_direction(buffer, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
  hb_buffer_set_script(buffer, run.script);
  hb_buffer_guess_segment_properties(buffer);  // the language, from the locale
  hb_shape(run.font->hb_font(), buffer, nullptr, 0);
  if (!hb_buffer_allocation_successful(buffer)) throw std::bad_alloc();
}

void Paragraph::measure(ShapingTools& tools) {
  const int n = length();
  for (const Run& run : runs_) {
    if (!run.font) {  // inline pictures: a cell each, whatever the fonts say of U+FFFC
      for (int k = run.start; k < run.end; ++k)
        if (object_at(k) >= 0) advance_[k] = kInlineImageAdvance;
      continue;
    }
    shape(run, run.start, run.end, run.level & 1, 0, n, tools);
    unsigned count = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(tools.buffer(), &count);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(tools.buffer(), &count);
    for (unsigned g = 0; g < count; ++g)
      advance_[info[g].cluster] += static_cast<double>(pos[g].x_advance) / kShapeUnitsPerEm;
  }
}

ShapedLine Paragraph::shape_line(int start, int end, ShapingTools& tools) const {
  ShapedLine line;
  if (start >= end) return line;

  UErrorCode status = U_ZERO_ERROR;
  UBiDiHandle bidi_line(ubidi_openSized(end - start, 0, &status));
  check(status, "ubidi_openSized");
  ubidi_setLine(bidi_.get(), start, end, bidi_line.get(), &status);
  check(status, "ubidi_setLine");
  const int32_t visual_runs = ubidi_countRuns(bidi_line.get(), &status);
  check(status, "ubidi_countRuns");

  double pen = 0;
  auto emit = [&](const Run& run, int from, int to, bool rtl) {
    if (!run.font) {  // inline pictures, in visual order
      for (int step = 0; step < to - from; ++step) {
        const int unit = rtl ? to - 1 - step : from + step;
        if (object_at(unit) < 0) continue;
        line.objects.push_back({object_at(unit), pen});
        pen += kInlineImageAdvance;
      }
      return;
    }
    shape(run, from, to, rtl, start, end, tools);
    unsigned count = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(tools.buffer(), &count);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(tools.buffer(), &count);
    for (unsigned g = 0; g < count; ++g) {
      const int unit = start + static_cast<int>(info[g].cluster);
      const std::uint8_t ink =
          unit < static_cast<int>(inks_.size()) ? inks_[static_cast<std::size_t>(unit)] : 0;
      line.glyphs.push_back(
          ShapedGlyph{run.font, info[g].codepoint,
                      pen + static_cast<double>(pos[g].x_offset) / kShapeUnitsPerEm,
                      static_cast<double>(pos[g].y_offset) / kShapeUnitsPerEm, ink});
      pen += static_cast<double>(pos[g].x_advance) / kShapeUnitsPerEm;
    }
  };

  for (int32_t v = 0; v < visual_runs; ++v) {
    int32_t logical = 0, length = 0;
    const bool rtl = ubidi_getVisualRun(bidi_line.get(), v, &logical, &length) == UBIDI_RTL;
    const int from = start + logical, to = from + length;
    // The pieces of this bidi run that differ in script or font, in logical order; a right
    // to left run shows its last piece leftmost.
    std::vector<std::pair<const Run*, std::pair<int, int>>> pieces;
    for (const Run& run : runs_)
      if (run.end > from && run.start < to)
        pieces.push_back({&run, {std::max(run.start, from), std::min(run.end, to)}});
    if (rtl)
      for (auto it = pieces.rbegin(); it != pieces.rend(); ++it)
        emit(*it->first, it->second.first, it->second.second, true);
    else
      for (const auto& piece : pieces)
        emit(*piece.first, piece.second.first, piece.second.second, false);
  }
  line.width = pen;
  return line;
}

}  // namespace pipectl::render
