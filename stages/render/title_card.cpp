// The title card that opens a day's video (who, which day, how many posts) and the end card
// that closes it (what the day added up to).
#include "card_renderer.hpp"
#include "count_format.hpp"

namespace pipectl::render {

RenderedTitle CardRenderer::render_title(const TitleInfo& title) {
  RenderedTitle result{blank_card(), {}};
  TitleCardLayout& layout = result.layout;
  layout.card = metrics_.card();
  std::vector<CentredLine> lines;
  if (!title.display_name.empty())
    lines.push_back(
        {isolated_name(title.display_name), metrics_.scaled(84), FontWeight::bold, theme_.text, 0, &layout.name});
  if (!title.handle.empty())
    lines.push_back({"@" + title.handle, metrics_.scaled(48), FontWeight::regular, theme_.secondary,
                     metrics_.scaled(12), &layout.handle});
  if (!title.day.empty())
    lines.push_back({time_.long_date(title.day), metrics_.scaled(52), FontWeight::regular,
                     theme_.text, metrics_.scaled(56), &layout.date});
  lines.push_back({day_posts_text(title.post_count, title.repost_count),
                   metrics_.scaled(44), FontWeight::bold, theme_.accent, metrics_.scaled(16),
                   &layout.count});
  draw_centred_lines(result.canvas, std::move(lines));
  return result;
}

RenderedEnd CardRenderer::render_end(const EndInfo& end) {
  RenderedEnd result{blank_card(), {}};
  EndCardLayout& layout = result.layout;
  layout.card = metrics_.card();
  std::string who = end.handle.empty() ? "" : "@" + end.handle;
  if (!end.day.empty()) who.append(who.empty() ? "" : " \u00B7 ").append(time_.long_date(end.day));
  // Two lines, so that the day's reposts of others are not read as the reposts its posts got.
  const std::string totals = day_posts_text(end.post_count, end.repost_count);
  const std::string counts = footer_text(end.totals);

  std::vector<CentredLine> lines;
  lines.push_back({"That was the day", metrics_.scaled(72), FontWeight::bold, theme_.text, 0,
                   &layout.heading});
  if (!who.empty())
    lines.push_back({who, metrics_.scaled(44), FontWeight::regular, theme_.secondary,
                     metrics_.scaled(24), &layout.who});
  lines.push_back({totals, metrics_.scaled(40), FontWeight::bold, theme_.accent,
                   metrics_.scaled(48), &layout.totals});
  if (!counts.empty())
    lines.push_back({counts, metrics_.scaled(36), FontWeight::regular, theme_.accent, metrics_.scaled(16),
                     &layout.counts});
  draw_centred_lines(result.canvas, std::move(lines));
  return result;
}

void CardRenderer::draw_centred_lines(Canvas& canvas, std::vector<CentredLine> lines) {
  const Rect content = metrics_.content();
  if (lines.empty()) return;
  lines.front().gap_before = 0;
  // The block of lines is centred vertically; each line is centred and kept to one line,
  // shrinking a long line before cutting it.
  int total = 0;
  for (const CentredLine& line : lines) total += line.gap_before + line_height(line.size, line.weight);
  int y = content.y + std::max(0, (content.height - total) / 2);
  for (const CentredLine& line : lines) {
    y += line.gap_before;
    const int height = line_height(line.size, line.weight);
    *line.rect = Rect{content.x, y, content.width, height}.intersection(content);
    TextStyle style;
    style.weight = line.weight;
    style.max_size = line.size;
    style.min_size = line.size * 0.6;
    style.max_lines = 1;
    style.align = Align::center;
    // A smaller size keeps the line's band; the layout centres nothing vertically, so a
    // shrunk line simply sits at the top of its band.
    draw_text(canvas, line.text, *line.rect, style, line.color);
    y += height;
  }
}

}  // namespace pipectl::render
