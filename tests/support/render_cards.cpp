#include "render_cards.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

namespace pipectl::test::cards {

CardRenderer& renderer(int width, int height) {
  static std::map<std::pair<int, int>, std::unique_ptr<CardRenderer>> renderers;
  auto& slot = renderers[{width, height}];
  if (!slot) slot = std::make_unique<CardRenderer>(width, height, "UTC");
  return *slot;
}

const std::vector<render::CardSample>& samples() {
  static const std::vector<render::CardSample> all = render::card_samples();
  return all;
}

render::FontSet& fonts() {
  static render::FontSet set;
  return set;
}

std::chrono::sys_seconds at_utc(int hour, int minute) {
  using namespace std::chrono;
  return sys_days{year{2026} / November / 24} + hours{hour} + minutes{minute};
}

items::MediaPost make_post(std::string text) {
  items::MediaPost media;
  media.post.id = "1861234567890";
  media.post.created_at = at_utc(14, 5);
  media.post.text = std::move(text);
  media.post.author = {"42", "Ada Lovelace", "ada", ""};
  media.post.index = 0;
  media.post.day_count = 1;
  return media;
}

items::Image solid_image(int width, int height, Color color) {
  items::Image image{width, height, {}};
  image.rgba.resize(static_cast<std::size_t>(width) * height * 4);
  for (std::size_t i = 0; i < image.rgba.size(); i += 4) {
    image.rgba[i] = color.r;
    image.rgba[i + 1] = color.g;
    image.rgba[i + 2] = color.b;
    image.rgba[i + 3] = 255;
  }
  return image;
}

void add_photo(items::MediaPost& media, std::optional<items::Image> image, std::string type) {
  items::MediaRef ref;
  ref.key = "3_" + std::to_string(media.post.media.size());
  ref.type = std::move(type);
  ref.url = "https://pbs.twimg.com/media/x.jpg";
  if (image) {
    ref.width = image->width;
    ref.height = image->height;
  }
  media.post.media.push_back(ref);
  media.images.push_back(std::move(image));
}

Rect ink_bounds(const Canvas& canvas, const Rect& rect) {
  int left = rect.right(), top = rect.bottom(), right = rect.x, bottom = rect.y;
  for (int y = rect.y; y < rect.bottom(); ++y)
    for (int x = rect.x; x < rect.right(); ++x)
      if (is_dark(canvas.at(x, y))) {
        left = std::min(left, x);
        right = std::max(right, x + 1);
        top = std::min(top, y);
        bottom = std::max(bottom, y + 1);
      }
  if (right <= left) return {rect.x, rect.y, 0, 0};
  return {left, top, right - left, bottom - top};
}

void require_nothing_outside_boxes(const RenderedPost& rendered) {
  const Canvas& canvas = rendered.canvas;
  const auto& layout = rendered.layout;
  const CardMetrics metrics(canvas.width(), canvas.height());
  // Leave out the rounded corners, where the card and background colours blend.
  const Rect below_header{layout.card.x + metrics.radius, layout.header.bottom(),
                          layout.card.width - 2 * metrics.radius,
                          layout.card.bottom() - metrics.radius - layout.header.bottom()};
  int stray = 0;
  std::string first;
  for (int y = 0; y < canvas.height(); ++y)
    for (int x = 0; x < canvas.width(); ++x) {
      Color expected;
      if (!layout.card.contains(x, y))
        expected = kTheme.background;
      else if (below_header.contains(x, y) && !layout.text_box.contains(x, y) &&
               !layout.photo_area.contains(x, y) && !layout.footer.contains(x, y))
        expected = kTheme.card;
      else
        continue;
      const Color c = canvas.at(x, y);
      if (c != expected && stray++ == 0) {
        // A stream, not string concatenation: GCC 12 at -O3 warns falsely (-Wrestrict) on
        // long chains of operator+.
        std::ostringstream where;
        where << "(" << x << "," << y << ") = " << int{c.r} << "," << int{c.g} << "," << int{c.b};
        first = where.str();
      }
    }
  INFO("first stray pixel " << first);
  REQUIRE(stray == 0);
}

void require_inside(const Rect& inner, const Rect& outer) {
  INFO("inner " << inner.x << "," << inner.y << " " << inner.width << "x" << inner.height
                << " outer " << outer.x << "," << outer.y << " " << outer.width << "x"
                << outer.height);
  REQUIRE(outer.contains(inner));
}

items::MediaPost make_repost() {
  items::MediaPost media = make_post("The booster is back on the pad after its 25th flight.");
  media.post.author = {"7", "Orbit Daily", "orbit", ""};
  media.post.metrics = {.replies = 3, .reposts = 40, .likes = 900, .quotes = 1};
  media.post.repost = items::Repost{{"42", "Ada Lovelace", "ada", ""}, "1861000000000", at_utc(9, 30)};
  media.post.referenced.push_back({"retweeted", "1861000000000", std::nullopt, media.post.author});
  return media;
}

bool same_pixels(const Canvas& a, int ax, int ay, const Canvas& b, int bx, int by, int width, int height) {
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      if (a.at(ax + x, ay + y) != b.at(bx + x, by + y)) return false;
  return true;
}

std::vector<unsigned> visible_glyphs(const render::TextLayout& layout) {
  std::vector<const render::PlacedGlyph*> glyphs;
  for (const auto& glyph : layout.glyphs) {
    hb_codepoint_t space = 0;
    if (hb_font_get_nominal_glyph(glyph.font->hb_font(), ' ', &space) && glyph.glyph == space) continue;
    glyphs.push_back(&glyph);
  }
  std::stable_sort(glyphs.begin(), glyphs.end(), [](auto* a, auto* b) { return a->x < b->x; });
  std::vector<unsigned> ids;
  for (const auto* glyph : glyphs) ids.push_back(glyph->glyph);
  return ids;
}

}  // namespace pipectl::test::cards
