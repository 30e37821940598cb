// A poll under the post text, as Mastodon shows one: a row per option, and when the votes are
// known each row's share of them as a bar behind its title and as a percentage at its end
// (the leading option's bar darker); when they are not, the options with a radio button (a
// box for multiple choice). Under the rows, a line with the voters and "Final results" when
// voting has ended. Only what the source gave: no vote count is made up.
#include <algorithm>
#include <cmath>

#include "card_renderer.hpp"
#include "count_format.hpp"

namespace pipectl::render {

std::optional<std::vector<double>> poll_shares(const items::Poll& poll) {
  // Summed as doubles: a hostile count cannot overflow.
  double votes = 0;
  for (const items::PollOption& option : poll.options) {
    if (!option.votes) return std::nullopt;
    votes += static_cast<double>(std::max<std::int64_t>(0, *option.votes));
  }
  const bool of_voters = poll.multiple && poll.voters && *poll.voters > 0;
  const double whole = of_voters ? static_cast<double>(*poll.voters) : votes;
  std::vector<double> shares;
  shares.reserve(poll.options.size());
  for (const items::PollOption& option : poll.options)
    shares.push_back(whole > 0 ? std::clamp(static_cast<double>(*option.votes) / whole, 0.0, 1.0) : 0.0);
  return shares;
}

Rect CardRenderer::draw_poll(Canvas& canvas, const items::Poll& poll, const Rect& box, PostCardLayout& layout) {
  const std::optional<std::vector<double>> shares = poll_shares(poll);
  const int pad = metrics_.poll_row_padding;
  const int line = line_height(metrics_.poll_size, FontWeight::regular);
  const int row_height = line + 2 * pad;
  const int gap = metrics_.poll_row_gap;
  const int summary_height = line_height(metrics_.note_size, FontWeight::regular);
  const auto options = static_cast<long long>(poll.options.size());
  // As many rows as fit with the line under them, which counts the options left out.
  auto height_of = [&](long long rows) {
    long long height = rows > 0 ? rows * row_height + (rows - 1) * gap : 0;
    if (!poll_summary(poll.voters, static_cast<int>(std::min<long long>(options - rows, 1 << 30)), poll.closed).empty())
      height += (rows > 0 ? gap : 0) + summary_height;
    return height;
  };
  long long shown = std::min(options, static_cast<long long>(std::max(0, box.height + gap) / (row_height + gap)));
  while (shown > 0 && height_of(shown) > box.height) --shown;
  const int hidden = static_cast<int>(std::min<long long>(options - shown, 1 << 30));
  const std::string summary = poll_summary(poll.voters, hidden, poll.closed);
  if (height_of(shown) > box.height || (shown == 0 && summary.empty()) || box.width < 4 * pad)
    return {box.x, box.y, 0, 0};

  const double leading = shares && !shares->empty() ? *std::max_element(shares->begin(), shares->end()) : 0;
  const int radius = metrics_.scaled(10);
  const int border = metrics_.quote_border;
  TextStyle style;
  style.max_size = style.min_size = metrics_.poll_size;
  style.max_lines = 1;
  style.align = Align::start;
  TextStyle percent_style = style;
  percent_style.weight = FontWeight::bold;
  percent_style.align = Align::left;

  int y = box.y;
  for (long long i = 0; i < shown; ++i) {
    const items::PollOption& option = poll.options[static_cast<std::size_t>(i)];
    const Rect row{box.x, y, box.width, row_height};
    layout.poll_rows.push_back(row);
    int text_left = row.x + pad, text_right = row.right() - pad;
    if (shares) {
      const double share = (*shares)[static_cast<std::size_t>(i)];
      canvas.fill_rounded_rect(row, radius, theme_.placeholder);
      const Rect bar{row.x, row.y, static_cast<int>(std::lround(share * row.width)), row.height};
      if (!bar.empty())
        canvas.fill_rounded_rect(bar, std::min(radius, bar.width / 2),
                                 share >= leading && leading > 0 ? theme_.poll_leader : theme_.poll_bar);
      layout.poll_bars.push_back(bar);
      // The percentage at the row's end, in bold; the title has what is left.
      const TextLayout percent = layouter_.layout(percent_text(share), row.width - 2 * pad, line, percent_style);
      const int percent_x = text_right - static_cast<int>(std::ceil(percent.width));
      raster_.draw(canvas, percent, percent_x, row.y + pad, theme_.text, row);
      text_right = percent_x - pad;
    } else {
      // Not counted (or the votes are hidden): an outlined row, its radio button or box first.
      canvas.fill_rounded_rect(row, radius, theme_.border);
      canvas.fill_rounded_rect(row.inset(border), std::max(0, radius - border), theme_.card);
      const int side = std::max(2, static_cast<int>(std::lround(line * 0.55)));
      const Rect mark{text_left, row.y + (row.height - side) / 2, side, side};
      const int ring = std::max(1, metrics_.scaled(3));
      canvas.fill_rounded_rect(mark, poll.multiple ? side / 5 : side / 2, theme_.secondary);
      canvas.fill_rounded_rect(mark.inset(ring), poll.multiple ? std::max(0, side / 5 - ring) : side / 2, theme_.card);
      text_left = mark.right() + pad;
    }
    if (text_right > text_left)
      draw_text(canvas, shortened(option.title), Rect{text_left, row.y + pad, text_right - text_left, line}.intersection(row), style,
                theme_.text);
    y = row.bottom() + gap;
  }
  int bottom = shown > 0 ? y - gap : box.y;
  if (!summary.empty()) {
    layout.poll_summary = {box.x, shown > 0 ? y : box.y, box.width, summary_height};
    TextStyle summary_style;
    summary_style.max_size = metrics_.note_size;
    summary_style.min_size = metrics_.note_size * 0.7;
    summary_style.max_lines = 1;
    summary_style.align = Align::left;
    draw_text(canvas, summary, layout.poll_summary, summary_style, theme_.secondary);
    bottom = layout.poll_summary.bottom();
  }
  return {box.x, box.y, box.width, bottom - box.y};
}

}  // namespace pipectl::render
