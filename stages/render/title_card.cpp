// The title card that opens a day's video: who, which day, how many posts.
#include "card_renderer.hpp"

namespace pipectl::render {

RenderedTitle CardRenderer::render_title(const TitleInfo& title) {
  RenderedTitle result{blank_card(), {}};
  Canvas& canvas = result.canvas;
  TitleCardLayout& layout = result.layout;
  layout.card = metrics_.card();
  const Rect content = metrics_.content();

  struct Line {
    std::string text;
    int size;
    FontWeight weight;
    Color color;
    int gap_before;
    Rect* rect;
  };
  std::vector<Line> lines;
  if (!title.display_name.empty())
    lines.push_back(
        {title.display_name, metrics_.scaled(84), FontWeight::bold, theme_.text, 0, &layout.name});
  if (!title.handle.empty())
    lines.push_back({"@" + title.handle, metrics_.scaled(48), FontWeight::regular, theme_.secondary,
                     metrics_.scaled(12), &layout.handle});
  if (!title.day.empty())
    lines.push_back({time_.long_date(title.day), metrics_.scaled(52), FontWeight::regular,
                     theme_.text, metrics_.scaled(56), &layout.date});
  lines.push_back({std::to_string(title.post_count) + (title.post_count == 1 ? " post" : " posts"),
                   metrics_.scaled(44), FontWeight::bold, theme_.accent, metrics_.scaled(16),
                   &layout.count});
  lines.front().gap_before = 0;

  // The block of lines is centred vertically; each line is centred and kept to one line,
  // shrinking a long display name before cutting it.
  int total = 0;
  for (const Line& line : lines) total += line.gap_before + line_height(line.size, line.weight);
  int y = content.y + std::max(0, (content.height - total) / 2);
  for (const Line& line : lines) {
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
  return result;
}

}  // namespace pipectl::render
