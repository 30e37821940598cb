// The card of one post: label, header, text (with a quoted post under it), photos, footer.
#include <algorithm>
#include <cmath>
#include <optional>

#include "card_renderer.hpp"
#include "count_format.hpp"

namespace pipectl::render {

namespace {

bool usable(const std::optional<items::Image>& image) { return image && has_pixels(*image); }

// The post quoted, when there is one: with its text or author, or without either (missing
// from the response, deleted or protected), which draws as "This post is unavailable.".
const items::ReferencedPost* quoted_post(const items::Post& post) {
  const items::ReferencedPost* unavailable = nullptr;
  for (const items::ReferencedPost& ref : post.referenced) {
    if (ref.type != "quoted") continue;
    if ((ref.text && has_visible_text(*ref.text)) || ref.author) return &ref;
    if (!unavailable) unavailable = &ref;
  }
  return unavailable;
}

bool is_available(const items::ReferencedPost& quote) {
  return (quote.text && has_visible_text(*quote.text)) || quote.author;
}

bool is_moving(const items::MediaRef& media) {
  return media.type == "video" || media.type == "animated_gif";
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
    Rect text_box = layout.label;
    if (post.repost) {
      // X's repost arrows before "<name> reposted", as tall as the label's capitals.
      const int size = std::min(layout.label.height, static_cast<int>(std::lround(metrics_.label_size * 0.9)));
      layout.repost_icon = Rect{layout.label.x, layout.label.y + (layout.label.height - size) / 2, size, size}
                               .intersection(layout.label);
      draw_repost_icon(canvas, layout.repost_icon.x, layout.repost_icon.y, layout.repost_icon.width,
                       theme_.secondary);
      const int shift = layout.repost_icon.width + metrics_.scaled(10);
      text_box = {text_box.x + shift, text_box.y, std::max(0, text_box.width - shift), text_box.height};
    }
    draw_text(canvas, label, text_box, style, theme_.secondary);
    y = layout.label.bottom() + metrics_.label_gap;
  }

  layout.header = {content.x, y, content.width, metrics_.avatar};
  draw_header(canvas, layout.header, post, media_post.avatar, layout);
  y = layout.header.bottom() + metrics_.header_gap;

  int bottom = content.bottom();
  const std::string footer = footer_text(post.metrics);
  if (!footer.empty()) {
    const int height = line_height(metrics_.footer_size, FontWeight::regular);
    layout.footer = {content.x, std::max(y, bottom - height), content.width, height};
    layout.footer = layout.footer.intersection(content);
    TextStyle style;
    style.max_size = metrics_.footer_size;
    style.min_size = metrics_.footer_size * 0.7;
    style.max_lines = 1;
    style.align = Align::left;
    draw_text(canvas, footer, layout.footer, style, theme_.secondary);
    bottom = std::max(y, layout.footer.y - metrics_.footer_gap);
  }

  // Below the header: the body (text, quoted post, link card, poll) and photos share what is
  // left, and never overlap.
  const Rect rest{content.x, y, content.width, std::max(0, bottom - y)};
  PostBody body;
  if (has_visible_text(post.content_warning)) body.warning = post.content_warning;
  body.text = card_text(post, media_post.emoji);
  body.quote = quoted_post(post);
  if (post.link && (has_visible_text(post.link->url) || has_visible_text(post.link->title) ||
                    has_visible_text(post.link->description) || usable(media_post.link_thumb))) {
    body.link = &*post.link;
    if (usable(media_post.link_thumb)) body.link_thumb = &*media_post.link_thumb;
  }
  if (post.poll) body.poll = &*post.poll;
  const bool has_text = !body.empty();
  const bool has_media = !post.media.empty();
  layout.text_box = {rest.x, rest.y, rest.width, 0};

  if (!has_text) {
    if (has_media) layout.photo_area = rest;
  } else if (!has_media) {
    layout.text_box = rest;
    draw_body(canvas, body, rest, false, layout);
  } else if (metrics_.photos_beside_text) {
    const int text_width = static_cast<int>(rest.width * metrics_.text_column_share);
    layout.text_box = {rest.x, rest.y, text_width, rest.height};
    const int photo_x = rest.x + text_width + metrics_.section_gap;
    layout.photo_area = {photo_x, rest.y, std::max(0, rest.right() - photo_x), rest.height};
    draw_body(canvas, body, layout.text_box, false, layout);
  } else {
    // Photos below: the body takes what it needs, up to what the photos can spare, and the
    // photos take everything under it.
    const int photo_min = static_cast<int>(rest.height * metrics_.min_photo_share);
    const int text_max = std::max(0, rest.height - photo_min - metrics_.section_gap);
    const int used = draw_body(canvas, body, {rest.x, rest.y, rest.width, text_max}, true, layout);
    layout.text_box.height = used;
    const int photo_y = rest.y + used + metrics_.section_gap;
    layout.photo_area = {rest.x, photo_y, rest.width, std::max(0, rest.bottom() - photo_y)};
  }
  if (has_media) draw_photos(canvas, media_post, layout);
  return result;
}

bool CardRenderer::PostBody::empty() const {
  return warning.empty() && !has_visible_text(text.text) && !quote && !link && !poll;
}

int CardRenderer::least_height(const PostBody& body, BodyPart part) {
  switch (part) {
    case quote_part:
      if (!body.quote) return 0;
      return 2 * metrics_.quote_padding +
             line_height(metrics_.quote_name_size, is_available(*body.quote) ? FontWeight::bold : FontWeight::regular);
    case link_part:
      // Its border and padding round one line (the host, or the title).
      return body.link ? 2 * metrics_.link_padding + line_height(metrics_.link_title_size, FontWeight::bold) : 0;
    case poll_part:
      // One option's row.
      return body.poll ? line_height(metrics_.poll_size, FontWeight::regular) + 2 * metrics_.poll_row_padding : 0;
    case body_parts:
      break;
  }
  return 0;
}

int CardRenderer::draw_body(Canvas& canvas, const PostBody& body, const Rect& box, bool shrink,
                            PostCardLayout& layout) {
  const int gap = metrics_.section_gap;
  auto room_from = [&box](int top, int keep) {
    return Rect{box.x, top, box.width, std::max(0, box.bottom() - top - keep)};
  };
  int y = box.y;         // under what is drawn so far
  bool above = false;    // whether something is drawn above y (the next part keeps a gap)
  if (!body.warning.empty()) {
    layout.content_warning = draw_content_warning(canvas, body.warning, room_from(y, 0), layout);
    if (!layout.content_warning.empty()) y = layout.content_warning.bottom() + metrics_.label_gap;
  }

  // The text keeps room for two lines at its smallest size; then the quote, the link card and
  // the poll, in that order, are drawn when their least height still fits (a crowded card
  // leaves out the last ones rather than squeeze them all to nothing).
  const bool has_text = has_visible_text(body.text.text);
  const int text_least = has_text ? 2 * line_height(static_cast<int>(std::ceil(metrics_.text_min)), FontWeight::regular) : 0;
  bool drawn_part[body_parts] = {};
  int following = 0;  // the least height (and gap) of the parts drawn after the text
  for (const BodyPart part : {quote_part, link_part, poll_part}) {
    const int least = least_height(body, part);
    if (least == 0 || (box.bottom() - y) - text_least - following < least + gap) continue;
    drawn_part[part] = true;
    following += least + gap;
  }

  TextStyle style;
  style.max_size = metrics_.text_max;
  style.min_size = metrics_.text_min;
  if (has_text) {
    Rect text_room = room_from(y, 0);
    // Followed by a quote, link card or poll, the text keeps at most 60% of the box.
    if (following > 0) text_room.height = std::max(0, std::min(static_cast<int>(text_room.height * 0.6), text_room.height - following));
    const Rect drawn = draw_post_text(canvas, body.text, text_room, style, shrink || following > 0, layout);
    y += drawn.height;
    above = true;
  }

  for (const BodyPart part : {quote_part, link_part, poll_part}) {
    if (!drawn_part[part]) continue;
    // What the parts after this one need stays free for them.
    following -= least_height(body, part) + gap;
    const Rect room = room_from(y + (above ? gap : 0), following);
    Rect drawn;
    if (part == quote_part) {
      // The quote's frame is only as tall as its content: a short quote is not a tall box.
      layout.quote_unavailable = !is_available(*body.quote);
      layout.quote = layout.quote_unavailable ? draw_unavailable_quote(canvas, room) : draw_quote(canvas, *body.quote, room);
      drawn = layout.quote;
    } else if (part == link_part) {
      drawn = layout.link_card = draw_link_card(canvas, *body.link, body.link_thumb, room, layout);
    } else {
      drawn = layout.poll = draw_poll(canvas, *body.poll, room, layout);
    }
    if (drawn.empty()) continue;
    y = drawn.bottom();
    above = true;
  }
  return y - box.y;
}

Rect CardRenderer::draw_post_text(Canvas& canvas, const StyledText& text, const Rect& box,
                                  const TextStyle& style, bool shrink, PostCardLayout& layout) {
  // Too long even at the smallest size: the last line of the box says how much is cut.
  const int note_height = line_height(metrics_.note_size, FontWeight::regular);
  TextStyle with_note = style;
  with_note.cut_reserve = note_height;
  const TextLayout lines = layouter_.layout(text.text, box.width, box.height, with_note, text.inks, text.objects);
  Rect used{box.x, box.y, box.width, shrink ? std::min(box.height, static_cast<int>(std::ceil(lines.height))) : box.height};
  if (lines.truncated) {
    const Rect room{box.x, box.y, box.width, std::max(0, box.height - note_height)};
    const int lines_bottom = box.y + static_cast<int>(std::ceil(lines.height));
    layout.note = Rect{box.x, std::min(lines_bottom, room.bottom()), box.width, note_height}.intersection(box);
    layout.cut_characters = lines.cut_clusters;
    TextStyle note_style;
    note_style.max_size = metrics_.note_size;
    note_style.min_size = metrics_.note_size * 0.7;
    note_style.max_lines = 1;
    note_style.align = Align::start;
    draw_text(canvas, cut_note(lines.cut_clusters), layout.note, note_style, theme_.secondary);
    if (shrink) used.height = layout.note.bottom() - box.y;
  }
  raster_.draw(canvas, lines, box.x, box.y, theme_.text, box, theme_.accent, text.pictures);
  for (const PlacedImage& image : lines.images) {
    const auto index = static_cast<std::size_t>(image.index);
    if (index >= text.pictures.size() || !text.pictures[index]) continue;
    const Rect drawn = TextRaster::image_rect(image, *text.pictures[index], box.x, box.y).intersection(box);
    if (!drawn.empty()) layout.emoji.push_back(drawn);
  }
  layout.text_size = lines.size;
  layout.text_lines = static_cast<int>(lines.lines.size());
  layout.text_truncated = lines.truncated;
  return used;
}

Rect CardRenderer::draw_quote(Canvas& canvas, const items::ReferencedPost& quote, const Rect& box) {
  const int pad = metrics_.quote_padding;
  const int name_height = line_height(metrics_.quote_name_size, FontWeight::bold);
  if (box.height < name_height + 2 * pad) return {box.x, box.y, 0, 0};
  const Rect inner = box.inset(pad);
  int text_height = std::max(0, inner.height - name_height - metrics_.label_gap);

  TextStyle style;
  style.max_size = metrics_.quote_text_max;
  style.min_size = metrics_.quote_text_min;
  const StyledText text = quote.text ? card_text_of(*quote.text) : StyledText{};
  std::optional<TextLayout> lines;
  if (has_visible_text(text.text)) {
    lines = layouter_.layout(text.text, inner.width, text_height, style, text.inks);
    text_height = std::min(text_height, static_cast<int>(std::ceil(lines->height)));
  } else {
    text_height = 0;
  }
  const int height = 2 * pad + name_height + (lines ? metrics_.label_gap + text_height : 0);
  const Rect frame{box.x, box.y, box.width, std::min(box.height, height)};

  // A border of the border colour: the card colour drawn inside a slightly larger disc.
  canvas.fill_rounded_rect(frame, metrics_.quote_radius, theme_.border);
  canvas.fill_rounded_rect(frame.inset(metrics_.quote_border),
                           std::max(0, metrics_.quote_radius - metrics_.quote_border), theme_.card);

  const Rect name_box{inner.x, inner.y, inner.width, name_height};
  TextStyle name_style;
  name_style.weight = FontWeight::bold;
  name_style.max_size = name_style.min_size = metrics_.quote_name_size;
  name_style.max_lines = 1;
  name_style.align = Align::left;
  int handle_x = name_box.x;
  if (quote.author && !quote.author->name.empty()) {
    const TextLayout name =
        draw_text(canvas, isolated_name(quote.author->name), name_box, name_style, theme_.text);
    handle_x += static_cast<int>(std::ceil(name.width)) + metrics_.scaled(12);
  }
  if (quote.author && !quote.author->username.empty() && handle_x < name_box.right()) {
    name_style.weight = FontWeight::regular;
    draw_text(canvas, "@" + quote.author->username,
              Rect{handle_x, name_box.y, name_box.right() - handle_x, name_box.height}, name_style,
              theme_.secondary);
  }
  if (lines) {
    const Rect text_box{inner.x, name_box.bottom() + metrics_.label_gap, inner.width, text_height};
    raster_.draw(canvas, *lines, text_box.x, text_box.y, theme_.text,
                 text_box.intersection(frame.inset(metrics_.quote_border)), theme_.accent);
  }
  return frame;
}

Rect CardRenderer::draw_unavailable_quote(Canvas& canvas, const Rect& box) {
  // As X draws it: a rounded box of the quote's border, on the placeholder colour, holding
  // one line of secondary text.
  const int pad = metrics_.quote_padding;
  const int text_height = line_height(metrics_.quote_name_size, FontWeight::regular);
  if (box.height < text_height + 2 * pad || box.width < 2 * pad) return {box.x, box.y, 0, 0};
  const Rect frame{box.x, box.y, box.width, text_height + 2 * pad};
  canvas.fill_rounded_rect(frame, metrics_.quote_radius, theme_.border);
  canvas.fill_rounded_rect(frame.inset(metrics_.quote_border),
                           std::max(0, metrics_.quote_radius - metrics_.quote_border), theme_.placeholder);
  TextStyle style;
  style.max_size = metrics_.quote_name_size;
  style.min_size = metrics_.quote_name_size * 0.7;
  style.max_lines = 1;
  style.align = Align::left;
  draw_text(canvas, "This post is unavailable.", Rect{frame.x + pad, frame.y + pad, frame.width - 2 * pad, text_height},
            style, theme_.secondary);
  return frame;
}

void CardRenderer::draw_repost_icon(Canvas& canvas, int x, int y, int size, Color color) {
  if (size < 6) return;
  // Two arrows chasing each other round a rectangle: up the left side and along the bottom,
  // down the right side and along the top. Strokes are a tenth of the square, at least 1 px.
  const int t = std::max(1, static_cast<int>(std::lround(size * 0.11)));
  auto at = [&](double f) { return static_cast<int>(std::lround(f * size)); };
  const int left = at(0.18), right = at(0.82);
  const int top = at(0.24), bottom = at(0.76);
  // Left: a stem from under its arrowhead down to the bottom bar, which runs right.
  canvas.fill_rect({x + left - t / 2, y + at(0.34), t, bottom - at(0.34)}, color);
  canvas.fill_rect({x + left - t / 2, y + bottom - t, at(0.56) - left + t / 2, t}, color);
  const double head = size * 0.19;
  auto point = [&](double px, int py) { return Point{x + px, static_cast<double>(y + py)}; };
  canvas.fill_triangle(point(left - head, at(0.40)), point(left + head, at(0.40)), point(left, at(0.06)),
                       color);
  // Right: the same turned half way round.
  canvas.fill_rect({x + right - t + t / 2, y + top, t, at(0.66) - top}, color);
  canvas.fill_rect({x + at(0.44), y + top, right - at(0.44) + t / 2, t}, color);
  canvas.fill_triangle(point(right - head, at(0.60)), point(right + head, at(0.60)), point(right, at(0.94)),
                       color);
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
      // One photo is shown whole; in a grid each fills its cell, cropped, as on a timeline.
      Rect shown = cell;
      if (layout.photo_cells.size() == 1) {
        shown = fit_rect(image->width, image->height, cell);
        canvas.draw_image(image->rgba.data(), image->width, image->height, shown, layout.photo_area);
      } else {
        canvas.draw_image_part(image->rgba.data(), image->width, image->height,
                               crop_to_fill(image->width, image->height, cell), cell,
                               layout.photo_area);
      }
      layout.photo_rects.push_back(shown);
      layout.placeholders.push_back(false);
      if (is_moving(media[i])) draw_play_badge(canvas, shown, media[i].type == "animated_gif", layout);
      continue;
    }
    // No image: a quiet box saying so, so the card still shows the post had media.
    canvas.fill_rounded_rect(cell.intersection(layout.photo_area), metrics_.scaled(16),
                             theme_.placeholder);
    const int band = line_height(metrics_.note_size, FontWeight::regular) * 2;
    const Rect note{cell.x, cell.y + std::max(0, (cell.height - band) / 2), cell.width,
                    std::min(band, cell.height)};
    TextStyle style;
    style.max_size = metrics_.note_size;
    style.min_size = metrics_.note_size * 0.75;
    style.align = Align::center;
    draw_text(canvas, is_moving(media[i]) ? "Video preview not available" : "Image not available",
              note.inset(metrics_.scaled(8)).intersection(layout.photo_area), style,
              theme_.secondary);
    layout.photo_rects.push_back(cell);
    layout.placeholders.push_back(true);
  }
}

void CardRenderer::draw_play_badge(Canvas& canvas, const Rect& image, bool gif,
                                   PostCardLayout& layout) {
  // As big as the design asks, but never more than half the picture's shorter side.
  const int diameter = std::min(metrics_.badge, std::min(image.width, image.height) / 2);
  if (diameter < 8) return;
  const Rect disc{image.x + (image.width - diameter) / 2, image.y + (image.height - diameter) / 2,
                  diameter, diameter};
  Color shade = theme_.badge;
  shade.a = 170;
  canvas.fill_circle(disc, shade);
  // A triangle pointing right, its centre of mass nudged right of the disc's centre so it
  // looks centred.
  const double cx = disc.x + diameter * 0.54, cy = disc.y + diameter / 2.0, r = diameter * 0.26;
  canvas.fill_triangle({cx - r * 0.8, cy - r}, {cx - r * 0.8, cy + r}, {cx + r * 1.0, cy},
                       theme_.on_badge);
  layout.badges.push_back(disc);
  if (!gif) return;
  // GIFs also say so in the corner, as a timeline does.
  const int size = metrics_.scaled(26);
  const int height = line_height(size, FontWeight::bold) + metrics_.scaled(8);
  const int width = metrics_.scaled(72);
  const Rect chip{image.x + metrics_.scaled(16), image.bottom() - height - metrics_.scaled(16),
                  width, height};
  if (!image.contains(chip)) return;
  canvas.fill_rounded_rect(chip, metrics_.scaled(8), shade);
  TextStyle style;
  style.weight = FontWeight::bold;
  style.max_size = style.min_size = size;
  style.max_lines = 1;
  style.align = Align::center;
  draw_text(canvas, "GIF", chip.inset(metrics_.scaled(4)), style, theme_.on_badge);
}

}  // namespace pipectl::render
