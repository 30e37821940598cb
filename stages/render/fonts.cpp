#include "fonts.hpp"

#include <hb-ot.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>

namespace pipectl::render {

namespace {

// Each file a last-resort lookup adds stays open (memory-mapped) for the life of the set;
// a post in a hundred rare scripts should not map a hundred files.
constexpr std::size_t kMaxFonts = 64;

int fc_weight(FontWeight weight) {
  return weight == FontWeight::bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR;
}

int weight_index(FontWeight weight) { return weight == FontWeight::bold ? 1 : 0; }

bool pattern_has_family(FcPattern* pattern, const std::string& family) {
  FcChar8* value = nullptr;
  for (int i = 0; FcPatternGetString(pattern, FC_FAMILY, i, &value) == FcResultMatch; ++i)
    if (strcasecmp(reinterpret_cast<const char*>(value), family.c_str()) == 0) return true;
  return false;
}

// Characters that shaping hides or merges into their neighbours (joiners, variation
// selectors, tag characters, bidi controls): no font needs a glyph for them.
bool is_invisible(char32_t c) {
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

// Whether a grapheme cluster is shown as a colour emoji: explicitly (VS16, keycap, skin
// tone) or by default (Emoji_Presentation, e.g. 😀 or a flag), unless VS15 asks for text.
bool wants_emoji_presentation(const char32_t* cps, std::size_t count) {
  bool emoji = false;
  for (std::size_t i = 0; i < count; ++i) {
    const UChar32 c = static_cast<UChar32>(cps[i]);
    if (c == 0xFE0E) return false;
    if (c == 0xFE0F || c == 0x20E3 || u_hasBinaryProperty(c, UCHAR_EMOJI_MODIFIER)) emoji = true;
    // A ZWJ sequence is an emoji even when written without FE0F ("❤‍🩹" as 2764 200D 1FA79):
    // the colour font draws it as one picture.
    if (c == 0x200D && u_hasBinaryProperty(static_cast<UChar32>(cps[0]), UCHAR_EMOJI)) emoji = true;
  }
  return emoji || u_hasBinaryProperty(static_cast<UChar32>(cps[0]), UCHAR_EMOJI_PRESENTATION);
}

// A cluster with no script of its own can join the run before it.
bool is_script_neutral(const char32_t* cps, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(static_cast<UChar32>(cps[i]), &status);
    if (U_FAILURE(status)) return false;
    if (script != USCRIPT_COMMON && script != USCRIPT_INHERITED) return false;
  }
  return true;
}

bool covers(Font& font, const char32_t* cps, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i)
    if (!is_invisible(cps[i]) && !font.has_char(cps[i])) return false;
  return true;
}

FcPatternHandle make_pattern(FontWeight weight) {
  FcPatternHandle pattern(FcPatternCreate());
  if (!pattern) throw std::bad_alloc();
  FcPatternAddInteger(pattern.get(), FC_WEIGHT, fc_weight(weight));
  FcPatternAddInteger(pattern.get(), FC_SLANT, FC_SLANT_ROMAN);
  return pattern;
}

void substitute(FcPattern* pattern) {
  FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
  FcDefaultSubstitute(pattern);
}

// The bytes of a font file, mapped once for the whole process: FreeType and HarfBuzz, every
// face of it (a .ttc holds several) and every render worker read the same pages, so a font's
// resident pages count once rather than twice per worker. The files stay mapped for the life
// of the process (a few dozen at most: kMaxFonts per set). Null when the file cannot be read.
HbBlobHandle font_file_blob(const std::string& file) {
  static std::mutex mutex;
  static std::map<std::string, HbBlobHandle> blobs;
  std::lock_guard lock(mutex);
  HbBlobHandle& blob = blobs[file];
  if (!blob) blob.reset(hb_blob_create_from_file_or_fail(file.c_str()));
  if (!blob) {
    blobs.erase(file);
    return nullptr;
  }
  return HbBlobHandle(hb_blob_reference(blob.get()));
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Font

Font::Font(FT_Library library, std::string file, int index, std::string family, FcCharSet* charset,
           bool color)
    : library_(library),
      file_(std::move(file)),
      index_(index),
      family_(std::move(family)),
      charset_(FcCharSetCopy(charset)),
      color_(color) {}

void Font::open() {
  if (hb_font_) return;
  // A file that failed once is not retried for every glyph.
  if (failed_) throw std::runtime_error("cannot open font " + file_);
  failed_ = true;

  hb_blob_ = font_file_blob(file_);
  if (!hb_blob_) throw std::runtime_error("cannot read font " + file_);
  unsigned length = 0;
  const char* bytes = hb_blob_get_data(hb_blob_.get(), &length);
  FT_Face face = nullptr;
  if (FT_New_Memory_Face(library_, reinterpret_cast<const FT_Byte*>(bytes), static_cast<FT_Long>(length),
                         index_, &face) != 0)
    throw std::runtime_error("cannot open font " + file_);
  ft_face_.reset(face);

  hb_face_.reset(hb_face_create(hb_blob_.get(), static_cast<unsigned>(index_)));
  HbFontHandle font(hb_font_create(hb_face_.get()));
  hb_font_set_scale(font.get(), kShapeUnitsPerEm, kShapeUnitsPerEm);

  hb_font_extents_t extents{};
  if (hb_font_get_h_extents(font.get(), &extents)) {
    metrics_.ascender = static_cast<double>(extents.ascender) / kShapeUnitsPerEm;
    metrics_.descender = static_cast<double>(-extents.descender) / kShapeUnitsPerEm;
  }

  if (hb_ot_color_has_png(hb_face_.get()) && face->num_fixed_sizes > 0) {
    // The largest strike: the raster only ever scales it down (or barely up) from there.
    int best = 0;
    for (int i = 1; i < face->num_fixed_sizes; ++i)
      if (face->available_sizes[i].y_ppem > face->available_sizes[best].y_ppem) best = i;
    if (FT_Select_Size(face, best) != 0)
      throw std::runtime_error("cannot select a size in " + file_);
    strike_ppem_ = static_cast<int>((face->available_sizes[best].y_ppem + 32) / 64);
  }

  hb_font_ = std::move(font);
  failed_ = false;
}

hb_font_t* Font::hb_font() {
  open();
  return hb_font_.get();
}

FT_Face Font::ft_face() {
  open();
  return ft_face_.get();
}

FontMetrics Font::metrics() {
  open();
  return metrics_;
}

bool Font::is_color_bitmap() {
  open();
  return strike_ppem_ > 0;
}

int Font::strike_ppem() {
  open();
  return strike_ppem_;
}

// ---------------------------------------------------------------------------------------
// FontSet

const std::vector<std::string>& FontSet::default_families() {
  static const std::vector<std::string> families = {
      "Noto Sans",          "Noto Sans Arabic",   "Noto Sans Hebrew",    "Noto Sans Devanagari",
      "Noto Sans Bengali",  "Noto Sans Tamil",    "Noto Sans Gujarati",  "Noto Sans Gurmukhi",
      "Noto Sans Telugu",   "Noto Sans Kannada",  "Noto Sans Malayalam", "Noto Sans Sinhala",
      "Noto Sans Thai",     "Noto Sans Lao",      "Noto Sans Khmer",     "Noto Sans Myanmar",
      "Noto Sans Georgian", "Noto Sans Armenian", "Noto Sans Ethiopic",  "Noto Sans CJK JP",
      "Noto Sans Math",     "Noto Sans Symbols",  "Noto Sans Symbols 2", "Noto Sans Symbols2",
      "Noto Color Emoji",   "DejaVu Sans",
  };
  return families;
}

FontSet::FontSet() : FontSet(default_families()) {}

FontSet::FontSet(const std::vector<std::string>& families) {
  if (!FcInit()) throw std::runtime_error("fontconfig could not be initialised");
  FT_Library library = nullptr;
  if (FT_Init_FreeType(&library) != 0)
    throw std::runtime_error("FreeType could not be initialised");
  library_.reset(library);

  for (FontWeight weight : {FontWeight::regular, FontWeight::bold}) {
    auto& chain = chain_[weight_index(weight)];
    for (const std::string& family : families)
      if (Font* font = resolve_family(family, weight);
          font && std::find(chain.begin(), chain.end(), font) == chain.end())
        chain.push_back(font);
    // Whatever the system calls sans-serif closes the chain, so that a machine without Noto
    // still draws Latin text.
    if (Font* font = resolve_family("sans-serif", weight);
        font && std::find(chain.begin(), chain.end(), font) == chain.end())
      chain.push_back(font);
    if (chain.empty())
      throw std::runtime_error(
          "no usable font found through fontconfig: install fonts-noto-core, fonts-noto-cjk and "
          "fonts-noto-color-emoji");
    for (Font* font : chain)
      if (font->is_color()) color_fonts_[weight_index(weight)].push_back(font);
  }
}

FontSet::~FontSet() = default;

Font* FontSet::add_font(FcPattern* match) {
  FcChar8* file = nullptr;
  int index = 0;
  FcCharSet* charset = nullptr;
  FcBool color = FcFalse;
  FcChar8* family = nullptr;
  if (FcPatternGetString(match, FC_FILE, 0, &file) != FcResultMatch ||
      FcPatternGetCharSet(match, FC_CHARSET, 0, &charset) != FcResultMatch)
    return nullptr;
  FcPatternGetInteger(match, FC_INDEX, 0, &index);
  FcPatternGetBool(match, FC_COLOR, 0, &color);
  FcPatternGetString(match, FC_FAMILY, 0, &family);

  auto key = std::make_pair(std::string(reinterpret_cast<const char*>(file)), index);
  if (auto it = by_file_.find(key); it != by_file_.end()) return it->second;
  if (fonts_.size() >= kMaxFonts) return nullptr;
  fonts_.push_back(std::make_unique<Font>(library_.get(), key.first, index,
                                          family ? reinterpret_cast<const char*>(family) : "",
                                          charset, color == FcTrue));
  by_file_.emplace(std::move(key), fonts_.back().get());
  return fonts_.back().get();
}

Font* FontSet::resolve_family(const std::string& family, FontWeight weight) {
  FcPatternHandle pattern = make_pattern(weight);
  FcPatternAddString(pattern.get(), FC_FAMILY, reinterpret_cast<const FcChar8*>(family.c_str()));
  substitute(pattern.get());
  FcResult result = FcResultNoMatch;
  FcPatternHandle match(FcFontMatch(nullptr, pattern.get(), &result));
  if (!match) return nullptr;
  // fontconfig always answers with something; a named family that is not installed must not
  // smuggle a substitute (often DejaVu) into the middle of the chain.
  if (family != "sans-serif" && !pattern_has_family(match.get(), family)) return nullptr;
  return add_font(match.get());
}

Font* FontSet::find_any_font_with(char32_t c, FontWeight weight) {
  auto& cache = last_resort_[weight_index(weight)];
  if (auto it = cache.find(c); it != cache.end()) return it->second;

  Font* found = nullptr;
  FcPatternHandle pattern = make_pattern(weight);
  FcCharSetHandle wanted(FcCharSetCreate());
  if (wanted && FcCharSetAddChar(wanted.get(), c)) {
    FcPatternAddCharSet(pattern.get(), FC_CHARSET, wanted.get());
    substitute(pattern.get());
    FcResult result = FcResultNoMatch;
    FcFontSetHandle sorted(FcFontSort(nullptr, pattern.get(), FcFalse, nullptr, &result));
    for (int i = 0; sorted && i < sorted->nfont && !found; ++i) {
      FcCharSet* charset = nullptr;
      if (FcPatternGetCharSet(sorted->fonts[i], FC_CHARSET, 0, &charset) != FcResultMatch ||
          !FcCharSetHasChar(charset, c))
        continue;
      // FcFontSort returns the installed patterns; complete them as a match would be.
      FcPatternHandle prepared(FcFontRenderPrepare(nullptr, pattern.get(), sorted->fonts[i]));
      if (prepared) found = add_font(prepared.get());
    }
  }
  cache.emplace(c, found);
  return found;
}

Font& FontSet::primary(FontWeight weight) { return *chain_[weight_index(weight)].front(); }

Font& FontSet::font_for(const char32_t* cps, std::size_t count, FontWeight weight, Font* previous) {
  if (count == 0) return previous ? *previous : primary(weight);
  const int w = weight_index(weight);
  const bool emoji = wants_emoji_presentation(cps, count);

  if (previous && !emoji && is_script_neutral(cps, count) && covers(*previous, cps, count))
    return *previous;
  if (emoji)
    for (Font* font : color_fonts_[w])
      if (covers(*font, cps, count)) return *font;
  for (Font* font : chain_[w])
    if (covers(*font, cps, count)) return *font;

  for (std::size_t i = 0; i < count; ++i) {
    if (is_invisible(cps[i])) continue;
    bool in_chain = false;
    for (Font* font : chain_[w]) in_chain = in_chain || font->has_char(cps[i]);
    if (in_chain) continue;
    if (Font* font = find_any_font_with(cps[i], weight)) return *font;
    break;
  }
  // Some font has each character but none has them all (a base letter and a mark from
  // different scripts): the font of the base character is the better half.
  for (Font* font : chain_[w])
    if (!is_invisible(cps[0]) && font->has_char(cps[0])) return *font;
  return primary(weight);
}

std::vector<std::string> FontSet::describe(FontWeight weight) const {
  std::vector<std::string> lines;
  for (const Font* font : chain_[weight_index(weight)])
    lines.push_back(font->family() + " (" + font->file() + ":" + std::to_string(font->index()) +
                    ")");
  return lines;
}

}  // namespace pipectl::render

// LeakSanitizer builds only. fontconfig 2.14.1 (Debian 12) loses 288 bytes while parsing its
// own configuration, once per process inside FcInit: the pattern of the <rejectfont> rule in
// /etc/fonts/conf.d/70-no-bitmaps.conf. `FcInit(); return 0;` alone shows it. The library has
// no frame pointers, so the report stops at a libfontconfig frame and can only be matched by
// module. Weak, so that a program with its own suppression list keeps it (and should add
// this line).
#if defined(__SANITIZE_ADDRESS__)
#define PIPECTL_RENDER_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PIPECTL_RENDER_LSAN 1
#endif
#endif
#ifdef PIPECTL_RENDER_LSAN
extern "C" __attribute__((weak, used)) const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}
#endif
