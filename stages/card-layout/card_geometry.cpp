#include "card_geometry.hpp"

#include <algorithm>
#include <cmath>

namespace pipectl::render {

CardMetrics::CardMetrics(int w, int h) : width(w), height(h), unit(std::min(w, h) / 1080.0) {
  margin = scaled(40);
  radius = scaled(36);
  padding = scaled(56);
  label_size = scaled(30);
  label_gap = scaled(16);
  avatar = scaled(108);
  avatar_gap = scaled(28);
  name_size = scaled(42);
  meta_size = scaled(32);
  header_gap = scaled(36);
  section_gap = scaled(32);
  photo_gap = scaled(12);
  note_size = scaled(28);
  footer_size = scaled(30);
  footer_gap = scaled(24);
  quote_padding = scaled(28);
  quote_radius = scaled(24);
  quote_border = scaled(2);
  quote_name_size = scaled(32);
  quote_text_max = 44 * unit;
  quote_text_min = 24 * unit;
  badge = scaled(120);
  warning_size = scaled(32);
  warning_padding = scaled(14);
  link_padding = scaled(24);
  link_host_size = scaled(28);
  link_title_size = scaled(34);
  link_text_size = scaled(30);
  link_thumb = scaled(200);
  link_thumb_above = h > w;
  poll_size = scaled(32);
  poll_row_padding = scaled(12);
  poll_row_gap = scaled(12);
  text_max = 60 * unit;
  text_min = 28 * unit;
  photos_beside_text = w >= h * 1.25;
  text_column_share = 0.42;
  min_photo_share = 0.5;
}

int CardMetrics::scaled(double design_px) const {
  return std::max(1, static_cast<int>(std::lround(design_px * unit)));
}

Rect CardMetrics::card() const { return Rect{0, 0, width, height}.inset(margin); }

Rect CardMetrics::content() const { return card().inset(padding); }

bool has_visible_text(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") != std::string_view::npos;
}

Rect largest_photo_area(const CardMetrics& metrics, bool has_text) {
  const Rect content = metrics.content();
  const int top = content.y + metrics.avatar + metrics.header_gap;
  const Rect rest{content.x, top, content.width, std::max(0, content.bottom() - top)};
  if (!has_text) return rest;
  if (metrics.photos_beside_text) {
    const int photo_x = rest.x + static_cast<int>(rest.width * metrics.text_column_share) + metrics.section_gap;
    return {photo_x, rest.y, std::max(0, rest.right() - photo_x), rest.height};
  }
  const int photo_y = rest.y + metrics.section_gap;
  return {rest.x, photo_y, rest.width, std::max(0, rest.bottom() - photo_y)};
}

int largest_link_thumb_side(const CardMetrics& metrics) {
  return metrics.link_thumb_above ? metrics.content().width : metrics.link_thumb;
}

int largest_inline_image_side(const CardMetrics& metrics) {
  return static_cast<int>(std::ceil(metrics.text_max * kInlineImageEm));
}

Rect fit_rect(int image_width, int image_height, const Rect& box) {
  if (image_width <= 0 || image_height <= 0 || box.empty()) return {box.x, box.y, 0, 0};
  // Compare aspect ratios in integers (64-bit: 16k x 16k products) to pick the limiting side.
  const long long iw = image_width, ih = image_height;
  int w = box.width, h = box.height;
  if (iw * box.height > ih * box.width)
    h = static_cast<int>(std::clamp<long long>((box.width * ih + iw / 2) / iw, 1, box.height));
  else
    w = static_cast<int>(std::clamp<long long>((box.height * iw + ih / 2) / ih, 1, box.width));
  return {box.x + (box.width - w) / 2, box.y + (box.height - h) / 2, w, h};
}

Rect crop_to_fill(int image_width, int image_height, const Rect& box) {
  if (image_width <= 0 || image_height <= 0 || box.empty()) return {0, 0, 0, 0};
  const long long iw = image_width, ih = image_height;
  int w = image_width, h = image_height;
  if (iw * box.height > ih * box.width)  // the image is wider than the box: cut its sides
    w = static_cast<int>(std::clamp<long long>((ih * box.width + box.height / 2) / box.height, 1, iw));
  else
    h = static_cast<int>(std::clamp<long long>((iw * box.height + box.width / 2) / box.width, 1, ih));
  return {(image_width - w) / 2, (image_height - h) / 2, w, h};
}

std::vector<Rect> photo_grid(const Rect& area, int count, int gap) {
  count = std::min(count, 4);
  if (count <= 0 || area.empty()) return {};
  const bool wide = area.width >= area.height;
  // Splits of `length` from `start` into two parts with `gap` between them.
  auto first_half = [gap](int start, int length) { return std::pair{start, (length - gap) / 2}; };
  auto second_half = [gap](int start, int length) {
    const int a = (length - gap) / 2;
    return std::pair{start + a + gap, length - a - gap};
  };
  auto columns = [&](const Rect& r) {
    auto [x1, w1] = first_half(r.x, r.width);
    auto [x2, w2] = second_half(r.x, r.width);
    return std::pair{Rect{x1, r.y, w1, r.height}, Rect{x2, r.y, w2, r.height}};
  };
  auto rows = [&](const Rect& r) {
    auto [y1, h1] = first_half(r.y, r.height);
    auto [y2, h2] = second_half(r.y, r.height);
    return std::pair{Rect{r.x, y1, r.width, h1}, Rect{r.x, y2, r.width, h2}};
  };

  switch (count) {
    case 1:
      return {area};
    case 2: {
      auto [a, b] = wide ? columns(area) : rows(area);
      return {a, b};
    }
    case 3: {
      auto [big, rest] = wide ? columns(area) : rows(area);
      auto [b, c] = wide ? rows(rest) : columns(rest);
      return {big, b, c};
    }
    default: {
      auto [top, bottom] = rows(area);
      auto [a, b] = columns(top);
      auto [c, d] = columns(bottom);
      return {a, b, c, d};
    }
  }
}

}  // namespace pipectl::render
