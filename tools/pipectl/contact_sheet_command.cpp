// pipectl contact-sheet: every sample card (render::card_samples) drawn at one size and theme,
// in a grid on one PNG, each with its name below it: the cards at a glance, for reviews and the
// README.
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "card_renderer.hpp"
#include "card_samples.hpp"
#include "commands.hpp"
#include "fonts.hpp"
#include "pipectl/params.hpp"
#include "png_file.hpp"
#include "text_layout.hpp"
#include "text_raster.hpp"
#include "theme.hpp"

namespace pipectl::cli {

namespace {

constexpr int exit_not_written = 1;  // the sheet could not be drawn or written

const char* contact_sheet_help =
    R"(Usage: pipectl contact-sheet [--out FILE] [--size WxH] [--theme light|dark] [--columns N]
       pipectl contact-sheet --list

Draws every sample card and writes them as one PNG: a grid of N columns, each card with its
name below it. The samples are a fixed set made in code (no input files): every script
(Latin, Cyrillic, Greek, Arabic, Hebrew, mixed directions, Devanagari, Bengali, Tamil, Thai,
Japanese, Chinese, Korean, emoji) and every layout (text only, 1 to 4 photos, video, GIF,
quote, repost, reply, footer counts, entities, a 25,000-character post, photos without text,
a missing picture, title and end cards). The golden-image tests (tests/golden/) draw the
same set.

  --out FILE    the PNG to write (default: contact-sheet.png); its folder must exist
  --size WxH    the size of each card (default: 960x540; 64 to 8192 per side); a card's
                parts scale with its short side, as in a video of that size
  --theme NAME  the cards' colours: light (default) or dark
  --columns N   cards per row (default: 4; 1 to 64)
  --list        print each sample's name and what it shows; draw nothing

The sheet: for cards of W x H px with a short side S = min(W, H), a gap of G = max(8, S/24) px
round every card and under each card a band of B = max(20, S/10) px with its name, so the
PNG is N*(W+G)+G px wide and R*(H+B+G)+G px high, for R = ceil(cards/N) rows.

  pipectl contact-sheet --out docs/contact-sheet.png --size 480x270 --columns 6

Reads: nothing but the fonts (through fontconfig). Writes: FILE, an 8-bit RGBA PNG (under a
temporary name, renamed when complete), and a summary line on stdout.
Exit codes: 0 the sheet was written, 1 it could not be written (the message names the file),
2 bad usage (nothing drawn).
)";

struct SheetOptions {
  std::filesystem::path out = "contact-sheet.png";
  Size card{960, 540};
  std::string theme = "light";
  int columns = 4;
  bool list = false;
};

// Fills `options`; returns the problem, or "" when the command line is good.
std::string parse(const std::vector<std::string>& args, SheetOptions& options) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (auto v = option_value(args, i, "--out")) {
      if (v->empty()) return "--out needs a file name";
      options.out = *v;
    } else if (auto v = option_value(args, i, "--size")) {
      auto size = parse_size(*v);
      if (!size || size->width < 64 || size->height < 64 || size->width > 8192 || size->height > 8192)
        return "--size '" + *v + "' is not a card size (WIDTHxHEIGHT, 64 to 8192 each, e.g. 960x540)";
      options.card = *size;
    } else if (auto v = option_value(args, i, "--theme")) {
      try {
        render::theme_named(*v);
      } catch (const std::invalid_argument& error) {
        return std::string("--theme: ") + error.what();
      }
      options.theme = *v;
    } else if (auto v = option_value(args, i, "--columns")) {
      auto n = parse_count(*v, 1, 64);
      if (!n) return "--columns '" + *v + "' is not a number from 1 to 64";
      options.columns = *n;
    } else if (args[i] == "--list") {
      options.list = true;
    } else {
      return "unknown argument '" + args[i] + "'";
    }
  }
  return "";
}

// Where things go on the sheet (see the help text).
struct SheetGeometry {
  SheetGeometry(Size card_size, int columns, int cards)
      : card(card_size),
        columns(columns),
        rows((cards + this->columns - 1) / this->columns),
        gap(std::max(8, std::min(card.width, card.height) / 24)),
        band(std::max(20, std::min(card.width, card.height) / 10)),
        width(this->columns * (card.width + gap) + gap),
        height(rows * (card.height + band + gap) + gap) {}

  int tile_x(int index) const { return gap + (index % columns) * (card.width + gap); }
  int tile_y(int index) const { return gap + (index / columns) * (card.height + band + gap); }

  Size card;
  int columns;
  int rows;
  int gap;
  int band;
  int width;
  int height;
};

// Copies `canvas` into the sheet's pixels with its top-left corner at (x, y); it fits.
void paste(items::Image& sheet, const render::Canvas& canvas, int x, int y) {
  const std::size_t row_bytes = static_cast<std::size_t>(canvas.width()) * 4;
  for (int row = 0; row < canvas.height(); ++row)
    std::memcpy(sheet.rgba.data() + (static_cast<std::size_t>(y + row) * sheet.width + x) * 4,
                canvas.rgba().data() + row * row_bytes, row_bytes);
}

// The band under a card with the sample's name, centred, set with the render module's own
// text code (same fonts, shaping and fallback as the cards).
class NameBand {
 public:
  NameBand(int width, int height, const render::Theme& theme) : width_(width), height_(height), theme_(theme) {}

  render::Canvas draw(const std::string& name) {
    render::Canvas canvas(width_, height_, theme_.card);
    render::TextStyle style;
    style.max_size = height_ * 0.5;
    style.min_size = std::min(style.max_size, 10.0);
    style.max_lines = 1;
    style.align = render::Align::center;
    const int pad = height_ / 4;
    const render::TextLayout layout = layouter_.layout(name, width_ - 2 * pad, height_, style);
    const int top = static_cast<int>((height_ - layout.height) / 2);
    raster_.draw(canvas, layout, pad, top, theme_.text, canvas.bounds());
    return canvas;
  }

 private:
  int width_;
  int height_;
  render::Theme theme_;
  render::FontSet fonts_;
  render::TextLayouter layouter_{fonts_};
  render::TextRaster raster_;
};

int list_samples() {
  for (const auto& sample : render::card_samples()) std::cout << sample.name << "  " << sample.summary << '\n';
  return exit_ok;
}

}  // namespace

int contact_sheet_command(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << contact_sheet_help;
      return exit_ok;
    }
  SheetOptions options;
  if (std::string problem = parse(args, options); !problem.empty()) {
    std::cerr << "pipectl contact-sheet: " << problem << " (see pipectl contact-sheet --help)\n";
    return exit_usage;
  }
  if (options.list) return list_samples();

  // Say so before minutes of drawing, not after.
  const std::filesystem::path folder = options.out.parent_path().empty() ? "." : options.out.parent_path();
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) {
    std::cerr << "pipectl contact-sheet: " << options.out.string() << ": cannot write it: the folder "
              << folder.string() << " does not exist\n";
    return exit_not_written;
  }

  try {
    const render::Theme theme = render::theme_named(options.theme);
    const std::vector<render::CardSample> samples = render::card_samples();
    const SheetGeometry geometry(options.card, options.columns, static_cast<int>(samples.size()));
    render::CardRenderer renderer(options.card.width, options.card.height, std::string(render::kSampleTimeZone),
                                  theme);
    NameBand names(options.card.width, geometry.band, theme);
    // The sheet's own colour is the card colour: the cards' backgrounds (around each card
    // panel) then frame every tile.
    items::Image sheet{geometry.width, geometry.height, {}};
    sheet.rgba.resize(static_cast<std::size_t>(sheet.width) * sheet.height * 4);
    for (std::size_t i = 0; i < sheet.rgba.size(); i += 4)
      std::memcpy(&sheet.rgba[i], &theme.card, 4);

    const bool progress = isatty(STDERR_FILENO) != 0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      if (progress) std::cerr << "\rdrawing " << i + 1 << "/" << samples.size() << " " << samples[i].name << "\033[K";
      const int index = static_cast<int>(i);
      paste(sheet, render::render_sample(renderer, samples[i]), geometry.tile_x(index), geometry.tile_y(index));
      paste(sheet, names.draw(samples[i].name), geometry.tile_x(index), geometry.tile_y(index) + options.card.height);
    }
    if (progress) std::cerr << "\r\033[K";
    render::write_png(options.out, sheet);
    std::cout << "wrote " << options.out.string() << ": " << sheet.width << "x" << sheet.height << " px, "
              << samples.size() << " cards of " << options.card.width << "x" << options.card.height << ", "
              << options.theme << " theme, " << geometry.columns << " columns\n";
    return exit_ok;
  } catch (const std::exception& e) {
    std::cerr << "pipectl contact-sheet: " << e.what() << '\n';
    return exit_not_written;
  }
}

}  // namespace pipectl::cli
