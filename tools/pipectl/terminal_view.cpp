#include "terminal_view.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "events.hpp"

namespace pipectl::cli {

namespace {

struct TerminalSize {
  std::size_t columns = 80;
  std::size_t rows = 24;
};

TerminalSize terminal_size() {
  TerminalSize size;
  winsize window{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &window) == 0 && window.ws_col > 0) {
    size.columns = window.ws_col;
    size.rows = window.ws_row > 0 ? window.ws_row : size.rows;
  }
  return size;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string right_aligned(const std::string& text, std::size_t width) {
  return text.size() < width ? std::string(width - text.size(), ' ') + text : text;
}

// [#########-----------]  45%
std::string progress_bar(double fraction, std::size_t width) {
  auto filled = static_cast<std::size_t>(std::lround(fraction * static_cast<double>(width)));
  std::string bar(1, '[');
  bar.append(std::min(filled, width), '#').append(width - std::min(filled, width), '-').append(1, ']');
  char percent[8];
  std::snprintf(percent, sizeof percent, "%4d%%", static_cast<int>(std::lround(fraction * 100)));
  return bar + percent;
}

std::size_t handle_width(const std::vector<HandleStatus>& handles) {
  std::size_t width = 6;
  for (const auto& status : handles) width = std::max(width, status.handle.size());
  return width;
}

}  // namespace

std::string clock_text(double seconds) {
  auto whole = static_cast<long>(std::lround(seconds));
  char text[32];
  if (whole >= 3600)
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", whole / 3600, whole / 60 % 60, whole % 60);
  else
    std::snprintf(text, sizeof text, "%ld:%02ld", whole / 60, whole % 60);
  return text;
}

bool terminal_can_redraw() {
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && term && std::string(term) != "dumb";
}

TerminalView::TerminalView(const RunPlan& plan, const RunBoard& board, bool live)
    : plan_(plan), board_(board), live_(live) {}

TerminalView::~TerminalView() { close(); }

void TerminalView::log(const std::string& line, bool to_error) {
  erase();
  (to_error ? std::cerr : std::cout) << line << std::endl;
  if (live_) draw();
}

void TerminalView::on_event(std::size_t index, const boost::json::object& event) {
  HandleStatus status = board_.handle(index);
  const std::string& handle = status.handle;
  std::string name = text_of(event, "event");
  // Built with streams: GCC 12 warns falsely (-Wrestrict) on "text" + std::string at -O3.
  std::ostringstream attempt, line;
  if (plan_.retries > 0 && status.attempt > 1) attempt << " (attempt " << status.attempt << " of " << plan_.retries + 1 << ")";
  std::ostringstream outputs;
  for (const auto& path : status.outputs) outputs << (outputs.tellp() > 0 ? " " : "") << path;
  bool to_error = false;
  if (name == "started") {
    if (status.attempt <= 1) ++started_;
    if (live_) return;  // the live view shows it
    // The event says what it runs (pipectl status shows the attempts of many runs).
    auto said = [&](const char* key, const std::string& otherwise) {
      std::string value = text_of(event, key);
      return value.empty() ? otherwise : value;
    };
    line << "[" << started_ << "/" << std::max(started_, board_.handle_count()) << "] " << handle << ": running "
         << said("graph", plan_.graph_path) << " for " << said("date", plan_.date) << " (" << said("tz", plan_.tz)
         << ")" << attempt.str();
    // A view with a title of its own shows other machines' runs (pipectl status): say which.
    if (auto host = text_of(event, "host"); !plan_.title.empty() && !host.empty()) line << " on " << host;
  } else if (name == "waiting") {
    if (live_) return;
    line << "  " << handle << ": waiting " << seconds_text(number_of(event, "seconds")) << ": "
         << text_of(event, "reason") << " (" << text_of(event, "node") << ")";
  } else if (name == "warning") {
    line << "  warning: " << handle << ": " << text_of(event, "message");
    to_error = true;
  } else if (name == "finished") {
    line << "  " << handle << ": done in " << seconds_text(status.seconds) << attempt.str() << " -> " << outputs.str();
  } else if (name == "failed") {
    line << "  error: " << handle << ": " << status.error << attempt.str();
    to_error = true;
  } else if (name == "retrying") {
    line << "  " << handle << ": retrying (attempt " << static_cast<int>(number_of(event, "attempt")) << " of "
         << plan_.retries + 1 << ")";
  } else if (name == "skipped") {
    line << "  " << handle << ": skipped, its video is complete: " << outputs.str() << " (--force remakes it)";
  } else if (name == "removed") {
    line << "  " << handle << ": removed " << text_of(event, "file") << ", the unfinished video of a killed process";
  } else {
    return;  // progress: the live view shows it
  }
  log(line.str(), to_error);
}

void TerminalView::tick() {
  if (!live_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - drawn_at_ < std::chrono::milliseconds(200)) return;
  erase();
  draw();
}

void TerminalView::close() {
  erase();
  live_ = false;
}

void TerminalView::erase() {
  if (!live_ || drawn_lines_ == 0) return;
  // Up to the first line of the view, then clear to the end of the screen.
  std::cout << "\r\x1b[" << drawn_lines_ << "A\x1b[J" << std::flush;
  drawn_lines_ = 0;
}

void TerminalView::draw() {
  TerminalSize size = terminal_size();
  StateCounts counts = board_.counts();
  std::vector<std::string> lines;
  lines.push_back((plan_.title.empty() ? "pipectl run " + plan_.graph_path + "  " + plan_.date + " (" + plan_.tz + ")"
                                        : plan_.title) +
                  "  elapsed " + clock_text(board_.elapsed_seconds()));
  lines.push_back("queued " + std::to_string(counts.queued) + "  running " + std::to_string(counts.running) +
                  "  done " + std::to_string(counts.done) + "  failed " + std::to_string(counts.failed) +
                  (counts.skipped ? "  skipped " + std::to_string(counts.skipped) : ""));
  const auto handles = board_.handles();  // one copy per redraw
  std::size_t width = handle_width(handles);
  std::size_t room = size.rows > 4 ? size.rows - 4 : 1;  // keep the view on the screen
  std::size_t shown = 0, hidden = 0;
  auto now = std::chrono::steady_clock::now();
  for (const auto& status : handles) {
    if (status.state != HandleState::running) continue;
    if (shown == room) {
      ++hidden;
      continue;
    }
    ++shown;
    double seconds = std::chrono::duration<double>(now - status.started_at).count();
    lines.push_back("  " + padded(status.handle, width) + "  " + progress_bar(status.fraction(), 20) + "  " +
                    padded(status.activity(), 18) + right_aligned(seconds_text(seconds), 8));
  }
  if (hidden) lines.push_back("  ... and " + std::to_string(hidden) + " more running");
  std::string text;
  for (auto& line : lines) {
    if (line.size() >= size.columns) line.resize(size.columns - 1);  // a wrapped line would break the redraw
    text += line + "\n";
  }
  std::cout << text << std::flush;
  drawn_lines_ = lines.size();
  drawn_at_ = std::chrono::steady_clock::now();
}

std::size_t print_summary(const RunPlan& plan, const RunBoard& board, std::ostream& out) {
  auto handles = board.handles();
  std::size_t width = handle_width(handles);
  std::size_t failed = 0, made = 0, skipped = 0, reported = 0;
  out << "\nSummary (" << plan.date << ", " << plan.tz << "):\n";
  out << "  " << padded("handle", width) << "  " << right_aligned("posts", 5) << "  " << right_aligned("video", 5)
      << "  " << right_aligned("wall", 7) << "  result\n";
  for (const auto& status : handles) {
    if (status.state == HandleState::queued || status.state == HandleState::running) continue;
    ++reported;
    bool has_video = status.state == HandleState::done || status.state == HandleState::skipped;
    std::string result;
    std::string outputs;
    for (const auto& path : status.outputs) outputs += " " + path;
    if (status.state == HandleState::done) {
      ++made;
      result = "ok" + outputs;
    } else if (status.state == HandleState::skipped) {
      ++skipped;
      result = "skipped (complete)" + outputs;
    } else {
      ++failed;
      result = "FAILED: " + status.error;
    }
    if (status.attempt > 1) result += " [attempt " + std::to_string(status.attempt) + "]";
    if (status.warnings) result += " (" + warnings_text(status.warning_kinds) + ")";
    out << "  " << padded(status.handle, width) << "  "
        << right_aligned(status.state == HandleState::done ? std::to_string(status.posts) : "-", 5) << "  "
        << right_aligned(has_video ? clock_text(status.video_seconds) : "-", 5) << "  "
        << right_aligned(status.state == HandleState::skipped ? "-" : seconds_text(status.seconds), 7) << "  "
        << result << '\n';
  }
  out << made + skipped << " of " << reported << " handles made their video";
  if (skipped) out << " (" << skipped << " already complete, skipped)";
  out << '\n';
  return failed;
}

}  // namespace pipectl::cli
