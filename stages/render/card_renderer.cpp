// The parts every card shares: the panel, text in a box, the avatar, the post header.
// render_post() is in post_card.cpp, render_title() in title_card.cpp.
#include "card_renderer.hpp"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <cmath>
#include <functional>
#include <stdexcept>

namespace pipectl::render {

namespace {

CardMetrics checked_metrics(int width, int height) {
  if (width < 64 || height < 64 || width > 8192 || height > 8192)
    throw std::invalid_argument("card size " + std::to_string(width) + "x" +
                                std::to_string(height) + " is out of range (64..8192 per side)");
  return CardMetrics(width, height);
}

// The first grapheme cluster of `name` in upper case: "É" for "élodie", "😀" for "😀 fan".
std::string initial_of(const std::string& name) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(name);
  text.trim();
  if (text.isEmpty()) return "?";
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> clusters(
      icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  int32_t end = 1;
  if (U_SUCCESS(status)) {
    clusters->setText(text);
    end = clusters->following(0);
    if (end == icu::BreakIterator::DONE) end = text.length();
  }
  icu::UnicodeString first(text, 0, end);
  first.toUpper(icu::Locale::getRoot());
  std::string utf8;
  first.toUTF8String(utf8);
  return utf8;
}

}  // namespace

CardRenderer::CardRenderer(int width, int height, const std::string& time_zone, Theme theme)
    : metrics_(checked_metrics(width, height)),
      theme_(theme),
      time_(time_zone),
      layouter_(fonts_) {}

CardRenderer::~CardRenderer() = default;

Canvas CardRenderer::blank_card() {
  const bool reused = spare_.has_value();
  Canvas canvas = reused ? std::move(*spare_) : Canvas(metrics_.width, metrics_.height, theme_.background);
  spare_.reset();
  if (reused) canvas.clear(theme_.background);
  canvas.fill_rounded_rect(metrics_.card(), metrics_.radius, theme_.card);
  return canvas;
}

void CardRenderer::recycle(Canvas&& canvas) {
  if (canvas.width() == metrics_.width && canvas.height() == metrics_.height) spare_ = std::move(canvas);
}

int CardRenderer::line_height(int size, FontWeight weight) {
  const FontMetrics m = fonts_.primary(weight).metrics();
  return static_cast<int>(std::ceil((m.ascender + m.descender) * size));
}

TextLayout CardRenderer::draw_text(Canvas& canvas, std::string_view text, const Rect& box,
                                   const TextStyle& style, Color color) {
  TextLayout layout = layouter_.layout(text, box.width, box.height, style);
  raster_.draw(canvas, layout, box.x, box.y, color, box);
  return layout;
}

void CardRenderer::draw_avatar(Canvas& canvas, const Rect& square, const items::Author& author,
                               const std::optional<items::Image>& picture) {
  if (picture && has_pixels(*picture)) {
    canvas.draw_image_in_circle(picture->rgba.data(), picture->width, picture->height, square);
    return;
  }
  // No picture (none, or it could not be had): a coloured disc with the initial.
  const std::string& key = author.username.empty() ? author.name : author.username;
  const Color disc = theme_.avatars[std::hash<std::string>()(key) % theme_.avatars.size()];
  canvas.fill_circle(square, disc);

  const int size = static_cast<int>(std::lround(square.height * 0.46));
  const int band = line_height(size, FontWeight::bold);
  const Rect box{square.x, square.y + (square.height - band) / 2, square.width, band};
  TextStyle style;
  style.weight = FontWeight::bold;
  style.max_size = style.min_size = size;
  style.max_lines = 1;
  style.align = Align::center;
  draw_text(canvas, initial_of(author.name.empty() ? author.username : author.name),
            box.intersection(square), style, theme_.on_avatar);
}

void CardRenderer::draw_header(Canvas& canvas, const Rect& header, const items::Post& post,
                               const std::optional<items::Image>& avatar, PostCardLayout& layout) {
  layout.avatar = {header.x, header.y, metrics_.avatar, metrics_.avatar};
  draw_avatar(canvas, layout.avatar, post.author, avatar);

  const int x = layout.avatar.right() + metrics_.avatar_gap;
  const int width = std::max(0, header.right() - x);
  const int name_height = line_height(metrics_.name_size, FontWeight::bold);
  const int meta_height = line_height(metrics_.meta_size, FontWeight::regular);
  // The two lines are centred against the avatar.
  const int top = header.y + std::max(0, (header.height - name_height - meta_height) / 2);

  const std::string name =
      post.author.name.empty() ? post.author.username : isolated_name(post.author.name);
  std::string meta;
  if (!post.author.username.empty()) meta = "@" + post.author.username + " \u00B7 ";
  // A repost shows when the original was posted, as X does; its own time only places it in
  // the day (and stands in when a source did not give the original's).
  const bool original_time = post.repost && post.repost->original_created_at != std::chrono::sys_seconds{};
  meta += time_.post_time(original_time ? post.repost->original_created_at : post.created_at);

  // Header lines are left-aligned whatever their script, so they line up with the avatar;
  // they are cut with "…" rather than wrapped.
  TextStyle name_style;
  name_style.weight = FontWeight::bold;
  name_style.max_size = name_style.min_size = metrics_.name_size;
  name_style.max_lines = 1;
  name_style.align = Align::left;
  draw_text(canvas, name, Rect{x, top, width, name_height}.intersection(header), name_style,
            theme_.text);

  TextStyle meta_style = name_style;
  meta_style.weight = FontWeight::regular;
  meta_style.max_size = meta_style.min_size = metrics_.meta_size;
  draw_text(canvas, meta, Rect{x, top + name_height, width, meta_height}.intersection(header),
            meta_style, theme_.secondary);
}

std::string reposter_line(const items::Post& post) {
  if (!post.repost) return "";
  const items::Author& by = post.repost->by;
  if (!by.name.empty()) return isolated_name(by.name) + " reposted";
  if (!by.username.empty()) return "@" + by.username + " reposted";
  return "Reposted";
}

std::string reference_label(const items::Post& post) {
  std::string label = reposter_line(post);
  for (const items::ReferencedPost& ref : post.referenced) {
    const bool known = ref.author && !ref.author->username.empty();
    const std::string who = known ? "@" + ref.author->username : "";
    std::string part;
    if (ref.type == "retweeted") {
      // A repost drawn as its original already says so in its first part.
      if (post.repost) continue;
      part = known ? "Reposted from " + who : "Reposted";
    } else if (ref.type == "quoted") {
      part = known ? "Quoting " + who : "Quoting a post";
    } else if (ref.type == "replied_to") {
      part = known ? "Replying to " + who : "Replying to a post";
    } else {
      continue;
    }
    if (!label.empty()) label += " \u00B7 ";
    label += part;
  }
  return label;
}

}  // namespace pipectl::render
