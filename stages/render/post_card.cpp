// The card of one post: label, header, text, photos.
#include <cmath>
#include <optional>

#include "card_renderer.hpp"

namespace pipectl::render {

namespace {

bool usable(const std::optional<items::Image>& image) {
  return image && image->width > 0 && image->height > 0 &&
         image->rgba.size() == static_cast<std::size_t>(image->width) * image->height * 4;
}

}  // namespace

RenderedPost CardRenderer::render_post(const items::MediaPost& media_post) {
  const items::Post& post = media_post.post;
  RenderedPost result{blank_card(), {}};
  Canvas& canvas = result.canvas;
  PostCardLayout& layout = result.layout;
  layout.card = metrics_.card();
  const Rect content = metrics_.content();
  int y = content.y;

  if (const std::string label = reference_label(post); !label.empty()) {
    layout.label = {content.x, y, content.width,
                    line_height(metrics_.label_size, FontWeight::regular)};
    TextStyle style;
    style.max_size = style.min_size = metrics_.label_size;
    style.max_lines = 1;
    style.align = Align::left;
    draw_text(canvas, label, layout.label, style, theme_.secondary);
    y = layout.label.bottom() + metrics_.label_gap;
  }

  layout.header = {content.x, y, content.width, metrics_.avatar};
  draw_header(canvas, layout.header, post, media_post.avatar, layout);
  y = layout.header.bottom() + metrics_.header_gap;

  // Below the header: text and photos share what is left, and never overlap.
  const Rect rest{content.x, y, content.width, std::max(0, content.bottom() - y)};
  const bool has_text = has_visible_text(post.text);
  const bool has_media = !post.media.empty();
  TextStyle style;
  style.max_size = metrics_.text_max;
  style.min_size = metrics_.text_min;
  layout.text_box = {rest.x, rest.y, rest.width, 0};
  std::optional<TextLayout> text;

  if (!has_text) {
    if (has_media) layout.photo_area = rest;
  } else if (!has_media) {
    layout.text_box = rest;
  } else if (metrics_.photos_beside_text) {
    const int text_width = static_cast<int>(rest.width * metrics_.text_column_share);
    layout.text_box = {rest.x, rest.y, text_width, rest.height};
    const int photo_x = rest.x + text_width + metrics_.section_gap;
    layout.photo_area = {photo_x, rest.y, std::max(0, rest.right() - photo_x), rest.height};
  } else {
    // Photos below: the text takes what it needs, up to what the photos can spare, and the
    // photos take everything under its last line.
    const int photo_min = static_cast<int>(rest.height * metrics_.min_photo_share);
    const int text_max = std::max(0, rest.height - photo_min - metrics_.section_gap);
    text = layouter_.layout(post.text, rest.width, text_max, style);
    layout.text_box = {rest.x, rest.y, rest.width,
                       std::min(text_max, static_cast<int>(std::ceil(text->height)))};
    const int photo_y = layout.text_box.bottom() + metrics_.section_gap;
    layout.photo_area = {rest.x, photo_y, rest.width, std::max(0, rest.bottom() - photo_y)};
  }

  if (has_text) {
    if (!text)
      text = layouter_.layout(post.text, layout.text_box.width, layout.text_box.height, style);
    raster_.draw(canvas, *text, layout.text_box.x, layout.text_box.y, theme_.text, layout.text_box);
    layout.text_size = text->size;
    layout.text_lines = static_cast<int>(text->lines.size());
    layout.text_truncated = text->truncated;
  }
  if (has_media) draw_photos(canvas, media_post, layout);
  return result;
}

void CardRenderer::draw_photos(Canvas& canvas, const items::MediaPost& media_post,
                               PostCardLayout& layout) {
  const auto& media = media_post.post.media;
  layout.photo_cells =
      photo_grid(layout.photo_area, static_cast<int>(media.size()), metrics_.photo_gap);
  for (std::size_t i = 0; i < layout.photo_cells.size(); ++i) {
    const Rect& cell = layout.photo_cells[i];
    const std::optional<items::Image> none;
    const auto& image = i < media_post.images.size() ? media_post.images[i] : none;
    if (usable(image)) {
      const Rect fitted = fit_rect(image->width, image->height, cell);
      canvas.draw_image(image->rgba.data(), image->width, image->height, fitted, layout.photo_area);
      layout.photo_rects.push_back(fitted);
      layout.placeholders.push_back(false);
      continue;
    }
    // No image: a quiet box saying so, so the card still shows the post had media.
    canvas.fill_rounded_rect(cell.intersection(layout.photo_area), metrics_.scaled(16),
                             theme_.placeholder);
    const bool video = media[i].type == "video" || media[i].type == "animated_gif";
    const int band = line_height(metrics_.note_size, FontWeight::regular) * 2;
    const Rect note{cell.x, cell.y + std::max(0, (cell.height - band) / 2), cell.width,
                    std::min(band, cell.height)};
    TextStyle style;
    style.max_size = metrics_.note_size;
    style.min_size = metrics_.note_size * 0.75;
    style.align = Align::center;
    draw_text(canvas, video ? "Video preview not available" : "Image not available",
              note.inset(metrics_.scaled(8)).intersection(layout.photo_area), style,
              theme_.secondary);
    layout.photo_rects.push_back(cell);
    layout.placeholders.push_back(true);
  }
}

}  // namespace pipectl::render
