// A link's preview card (Bluesky's external embed, Mastodon's preview card): a bordered box under
// the text, like a quoted post, with the link's picture beside its text (above it on tall
// frames), then the site's host, the title in bold and the description. Only what the source
// gave is drawn: an empty part is left out.
#include <algorithm>
#include <cmath>
#include <vector>

#include "card_renderer.hpp"

namespace pipectl::render {

Rect CardRenderer::draw_link_card(Canvas& canvas, const items::LinkCard& link, const items::Image* thumb,
                                  const Rect& box, PostCardLayout& layout) {
  const int pad = metrics_.link_padding;
  if (box.height < 2 * pad + line_height(metrics_.link_title_size, FontWeight::bold) || box.width < 4 * pad)
    return {box.x, box.y, 0, 0};
  const Rect inner = box.inset(pad);
  // Smaller than this, a picture is a smudge: the card goes without it.
  const int least_picture = metrics_.scaled(48);

  Rect picture{inner.x, inner.y, 0, 0};
  Rect column = inner;  // where the text goes
  if (thumb && metrics_.link_thumb_above) {
    // As wide as the card, in the 1.91:1 of link previews, leaving the text at least half.
    const int height = std::min(inner.width * 100 / 191, inner.height / 2);
    if (height >= least_picture) {
      picture = {inner.x, inner.y, inner.width, height};
      column = {inner.x, picture.bottom() + pad, inner.width, std::max(0, inner.bottom() - picture.bottom() - pad)};
    }
  } else if (thumb) {
    const int side = std::min({metrics_.link_thumb, inner.width / 3, inner.height});
    if (side >= least_picture) {
      picture = {inner.x, inner.y, side, side};
      column = {picture.right() + pad, inner.y, std::max(0, inner.right() - picture.right() - pad), inner.height};
    }
  }

  // The text, laid out first: the frame is as tall as it needs.
  struct Part {
    TextLayout lines;
    Rect box;
    Color color;
  };
  std::vector<Part> parts;
  const int part_gap = metrics_.scaled(6);
  int y = column.y;
  auto add = [&](std::string_view text, int size, FontWeight weight, int max_lines, Color color) {
    const int room = column.bottom() - y;
    if (!has_visible_text(text) || column.width <= 0 || room < line_height(size, weight)) return;
    TextStyle style;
    style.weight = weight;
    style.max_size = style.min_size = size;
    style.max_lines = max_lines;
    style.align = Align::start;
    TextLayout lines = layouter_.layout(shortened(text), column.width, room, style);
    const int height = std::min(room, static_cast<int>(std::ceil(lines.height)));
    parts.push_back({std::move(lines), Rect{column.x, y, column.width, height}, color});
    y += height + part_gap;
  };
  add(link_host(link.url), metrics_.link_host_size, FontWeight::regular, 1, theme_.secondary);
  add(link.title, metrics_.link_title_size, FontWeight::bold, 2, theme_.text);
  add(link.description, metrics_.link_text_size, FontWeight::regular, 3, theme_.secondary);
  if (parts.empty() && picture.empty()) return {box.x, box.y, 0, 0};

  const int text_bottom = parts.empty() ? column.y : parts.back().box.bottom();
  const int content_bottom = std::max(picture.bottom(), text_bottom);
  const Rect frame{box.x, box.y, box.width, std::min(box.height, content_bottom + pad - box.y)};
  canvas.fill_rounded_rect(frame, metrics_.quote_radius, theme_.border);
  const Rect inside = frame.inset(metrics_.quote_border);
  canvas.fill_rounded_rect(inside, std::max(0, metrics_.quote_radius - metrics_.quote_border), theme_.card);
  if (!picture.empty()) {
    // The picture fills its box, cropped as a timeline crops a preview.
    layout.link_thumb = picture.intersection(inside);
    canvas.draw_image_part(thumb->rgba.data(), thumb->width, thumb->height,
                           crop_to_fill(thumb->width, thumb->height, picture), picture, inside);
  }
  for (const Part& part : parts) raster_.draw(canvas, part.lines, part.box.x, part.box.y, part.color, part.box.intersection(inside));
  return frame;
}

}  // namespace pipectl::render
