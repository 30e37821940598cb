// What `pipectl run` prints while it runs. On a terminal, a live view redrawn in place: a line
// per running handle with its stage and a progress bar, the counts of queued / running / done
// / failed handles and the elapsed time, with finished and failed handles logged above it.
// Elsewhere (a pipe, a file, CI), plain log lines only. Then the summary table.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>

#include "run_board.hpp"
#include "supervisor.hpp"

namespace pipectl::cli {

class TerminalView {
 public:
  TerminalView(const RunPlan& plan, const RunBoard& board, bool live);
  ~TerminalView();

  // After the board has applied `event` of the handle at `index`.
  void on_event(std::size_t index, const boost::json::object& event);
  // Redraws the live view when it is due (a few times a second); nothing in plain mode.
  void tick();
  // A line of our own (to stdout, or stderr with to_error) that stays above the live view.
  void log(const std::string& line, bool to_error = false);
  // Erases the live view for good: the summary comes next.
  void close();

 private:
  void erase();
  void draw();

  const RunPlan& plan_;
  const RunBoard& board_;
  bool live_;
  std::size_t drawn_lines_ = 0;
  std::size_t started_ = 0;
  std::chrono::steady_clock::time_point drawn_at_{};
};

// The summary table (handle, posts, video length, wall time, result) and the closing line;
// returns the number of handles without their video.
std::size_t print_summary(const RunPlan& plan, const RunBoard& board, std::ostream& out);

// Whether stdout is a terminal that can move the cursor (not TERM=dumb): the live view needs it.
bool terminal_can_redraw();

// "0:33", "1:02:03".
std::string clock_text(double seconds);

}  // namespace pipectl::cli
