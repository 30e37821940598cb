#include "contact_sheet.hpp"

#include <algorithm>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "card_renderer.hpp"
#include "card_samples.hpp"
#include "fonts.hpp"
#include "png_file.hpp"
#include "text_layout.hpp"
#include "text_raster.hpp"
#include "theme.hpp"

namespace pipectl::render {

namespace {

// Where things go on the sheet (see write_contact_sheet).
struct SheetGeometry {
  SheetGeometry(int card_width, int card_height, int columns, int cards)
      : card_width(card_width),
        card_height(card_height),
        columns(columns),
        rows((cards + this->columns - 1) / this->columns),
        gap(std::max(8, std::min(card_width, card_height) / 24)),
        band(std::max(20, std::min(card_width, card_height) / 10)),
        width(this->columns * (card_width + gap) + gap),
        height(rows * (card_height + band + gap) + gap) {}

  int tile_x(int index) const { return gap + (index % columns) * (card_width + gap); }
  int tile_y(int index) const { return gap + (index / columns) * (card_height + band + gap); }

  int card_width;
  int card_height;
  int columns;
  int rows;
  int gap;
  int band;
  int width;
  int height;
};

// Copies `canvas` into the sheet's pixels with its top-left corner at (x, y); it fits.
void paste(items::Image& sheet, const Canvas& canvas, int x, int y) {
  const std::size_t row_bytes = static_cast<std::size_t>(canvas.width()) * 4;
  for (int row = 0; row < canvas.height(); ++row)
    std::memcpy(sheet.rgba.data() + (static_cast<std::size_t>(y + row) * sheet.width + x) * 4,
                canvas.rgba().data() + row * row_bytes, row_bytes);
}

// The band under a card with the sample's name, centred, set with the cards' own text code
// (same fonts, shaping and fallback as the cards).
class NameBand {
 public:
  NameBand(int width, int height, const Theme& theme) : width_(width), height_(height), theme_(theme) {}

  Canvas draw(const std::string& name) {
    Canvas canvas(width_, height_, theme_.card);
    TextStyle style;
    style.max_size = height_ * 0.5;
    style.min_size = std::min(style.max_size, 10.0);
    style.max_lines = 1;
    style.align = Align::center;
    const int pad = height_ / 4;
    const TextLayout layout = layouter_.layout(name, width_ - 2 * pad, height_, style);
    const int top = static_cast<int>((height_ - layout.height) / 2);
    raster_.draw(canvas, layout, pad, top, theme_.text, canvas.bounds());
    return canvas;
  }

 private:
  int width_;
  int height_;
  Theme theme_;
  FontSet fonts_;
  TextLayouter layouter_{fonts_};
  TextRaster raster_;
};

}  // namespace

ContactSheet write_contact_sheet(const ContactSheetOptions& options) {
  const Theme theme = theme_named(options.theme);
  const std::vector<CardSample> samples = card_samples();
  const SheetGeometry geometry(options.card_width, options.card_height, options.columns,
                               static_cast<int>(samples.size()));
  CardRenderer renderer(options.card_width, options.card_height, std::string(kSampleTimeZone), theme);
  NameBand names(options.card_width, geometry.band, theme);
  // The sheet's own colour is the card colour: the cards' backgrounds (around each card
  // panel) then frame every tile.
  items::Image sheet{geometry.width, geometry.height, {}};
  sheet.rgba.resize(static_cast<std::size_t>(sheet.width) * sheet.height * 4);
  for (std::size_t i = 0; i < sheet.rgba.size(); i += 4) std::memcpy(&sheet.rgba[i], &theme.card, 4);

  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (options.progress)
      std::cerr << "\rdrawing " << i + 1 << "/" << samples.size() << " " << samples[i].name << "\033[K";
    const int index = static_cast<int>(i);
    paste(sheet, render_sample(renderer, samples[i]), geometry.tile_x(index), geometry.tile_y(index));
    paste(sheet, names.draw(samples[i].name), geometry.tile_x(index), geometry.tile_y(index) + options.card_height);
  }
  if (options.progress) std::cerr << "\r\033[K";
  write_png(options.out, sheet);
  return {sheet.width, sheet.height, static_cast<int>(samples.size())};
}

std::string contact_sheet_theme_problem(const std::string& name) {
  try {
    theme_named(name);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> contact_sheet_samples() {
  std::vector<std::pair<std::string, std::string>> list;
  for (const auto& sample : card_samples()) list.emplace_back(sample.name, sample.summary);
  return list;
}

}  // namespace pipectl::render
