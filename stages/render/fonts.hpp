// The fonts cards are drawn with: a fallback chain resolved through fontconfig, each font
// opened once (FreeType for glyph images, HarfBuzz for shaping) and kept for the life of the
// FontSet. A FontSet is not thread-safe: each renderer owns one and uses it from one thread
// at a time.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "handles.hpp"

namespace pipectl::render {

enum class FontWeight { regular, bold };

// HarfBuzz fonts are scaled to this many units per em, so that shaped positions are a
// fraction of the em that is independent of the text size: HarfBuzz's own OpenType functions
// do not hint, so a layout measured once scales linearly to any size.
inline constexpr int kShapeUnitsPerEm = 1 << 16;

// Vertical metrics in em, positive up (descender is positive too, measured downwards).
struct FontMetrics {
  double ascender = 0.8;
  double descender = 0.2;
};

// One face of one font file. Files are opened on first use, so a chain of twenty fonts costs
// only the fontconfig lookups until a script actually needs one of them.
class Font {
 public:
  Font(FT_Library library, std::string file, int index, std::string family, FcCharSet* charset,
       bool color);
  Font(const Font&) = delete;
  Font& operator=(const Font&) = delete;

  const std::string& file() const { return file_; }
  int index() const { return index_; }
  const std::string& family() const { return family_; }
  bool has_char(char32_t c) const { return FcCharSetHasChar(charset_.get(), c); }
  // A colour font (emoji), as fontconfig reports it: known without opening the file.
  bool is_color() const { return color_; }

  hb_font_t* hb_font();
  FT_Face ft_face();
  FontMetrics metrics();
  // Colour glyphs stored as PNG bitmaps at fixed sizes (CBDT/sbix, as in Noto Color Emoji).
  // They cannot be rendered at an arbitrary size: the raster scales the strike's bitmap.
  bool is_color_bitmap();
  // Pixels per em of the strike selected on the FreeType face; 0 for outline fonts.
  int strike_ppem();

 private:
  void open();

  FT_Library library_;
  std::string file_;
  int index_;
  std::string family_;
  FcCharSetHandle charset_;
  bool color_;
  bool failed_ = false;
  // The file's bytes (font_file_blob in fonts.cpp), declared first so that they outlive the
  // FreeType face that reads them.
  HbBlobHandle hb_blob_;
  FtFaceHandle ft_face_;
  HbFaceHandle hb_face_;
  HbFontHandle hb_font_;
  FontMetrics metrics_;
  int strike_ppem_ = 0;
};

class FontSet {
 public:
  // Noto for the scripts a social feed carries (Latin, Greek, Cyrillic, Arabic, Hebrew, the
  // main Indic scripts, Thai, CJK), symbols, then colour emoji; families that are not
  // installed are left out. Throws std::runtime_error when fontconfig finds no font at all.
  FontSet();
  explicit FontSet(const std::vector<std::string>& families);
  FontSet(const FontSet&) = delete;
  FontSet& operator=(const FontSet&) = delete;
  ~FontSet();

  static const std::vector<std::string>& default_families();

  // The font whose metrics set line heights, and which draws the ellipsis.
  Font& primary(FontWeight weight);

  // The font for one grapheme cluster (code points `cps`, `count` of them): the first font of
  // the chain that has every visible character of it; a cluster in emoji presentation tries
  // the colour fonts first. A cluster without a script of its own (space, punctuation,
  // digits) stays in `previous` when that font has it, so runs are not cut at every space.
  // A character that no font of the chain has is looked up in all installed fonts through
  // fontconfig; when none has it the primary font draws its missing-glyph box.
  Font& font_for(const char32_t* cps, std::size_t count, FontWeight weight, Font* previous);

  // The families the chain resolved to, for diagnostics: "Noto Sans (/usr/share/...)".
  std::vector<std::string> describe(FontWeight weight) const;

 private:
  Font* resolve_family(const std::string& family, FontWeight weight);
  Font* find_any_font_with(char32_t c, FontWeight weight);
  Font* add_font(FcPattern* match);

  // Declared before the fonts so that it is destroyed after them: FT_Done_Face must run
  // before FT_Done_FreeType.
  FtLibraryHandle library_;
  std::vector<std::unique_ptr<Font>> fonts_;
  std::map<std::pair<std::string, int>, Font*> by_file_;
  std::vector<Font*> chain_[2];                         // by FontWeight
  std::vector<Font*> color_fonts_[2];                   // subset of chain_, in chain order
  std::unordered_map<char32_t, Font*> last_resort_[2];  // nullptr: no installed font has it
};

}  // namespace pipectl::render
