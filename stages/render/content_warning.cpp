// A post's content warning (Mastodon's spoiler text), drawn as Mastodon shows it: a band above
// the text with a warning sign and the warning in bold. The text itself is never hidden: a
// video has no button to show it.
#include <algorithm>
#include <cmath>

#include "card_renderer.hpp"

namespace pipectl::render {

Rect CardRenderer::draw_content_warning(Canvas& canvas, std::string_view warning, const Rect& box,
                                        PostCardLayout& layout) {
  const int pad = metrics_.warning_padding;
  const int line = line_height(metrics_.warning_size, FontWeight::bold);
  const int sign = std::max(1, static_cast<int>(std::lround(metrics_.warning_size * 0.95)));
  const Rect inner = box.inset(pad);
  const int text_x = inner.x + sign + pad;
  const Rect text_room{text_x, inner.y, std::max(0, inner.right() - text_x), std::min(inner.height, 2 * line)};
  if (box.height < line + 2 * pad || text_room.width < sign) return {box.x, box.y, 0, 0};

  TextStyle style;
  style.weight = FontWeight::bold;
  style.max_size = style.min_size = metrics_.warning_size;
  style.max_lines = 2;
  style.align = Align::start;
  const TextLayout lines = layouter_.layout(shortened(warning), text_room.width, text_room.height, style);
  const int text_height = std::clamp(static_cast<int>(std::ceil(lines.height)), line, text_room.height);
  const Rect band{box.x, box.y, box.width, text_height + 2 * pad};
  canvas.fill_rounded_rect(band, metrics_.scaled(12), theme_.placeholder);
  // The sign stands beside the first line, centred on it.
  layout.warning_sign = Rect{inner.x, inner.y + (line - sign) / 2, sign, sign}.intersection(band);
  draw_warning_sign(canvas, layout.warning_sign, theme_.placeholder);
  raster_.draw(canvas, lines, text_room.x, text_room.y, theme_.text,
               Rect{text_room.x, text_room.y, text_room.width, text_height});
  return band;
}

void CardRenderer::draw_warning_sign(Canvas& canvas, const Rect& square, Color background) {
  if (square.width < 6 || square.height < 6) return;
  // A triangle on its base in the warning colour, and the "!" cut out of it in the band's
  // colour: a stroke and a dot.
  const double x = square.x, y = square.y, side = std::min(square.width, square.height);
  canvas.fill_triangle({x + side / 2, y}, {x, y + side}, {x + side, y + side}, theme_.warning);
  const int stroke = std::max(1, static_cast<int>(std::lround(side * 0.12)));
  const int centre = static_cast<int>(std::lround(x + side / 2));
  auto at = [&](double f) { return static_cast<int>(std::lround(y + f * side)); };
  canvas.fill_rect({centre - stroke / 2, at(0.36), stroke, at(0.70) - at(0.36)}, background);
  canvas.fill_rect({centre - stroke / 2, at(0.78), stroke, std::max(1, at(0.90) - at(0.78))}, background);
}

}  // namespace pipectl::render
