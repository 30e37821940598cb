// The contact sheet of the sample cards (`pipectl contact-sheet`): every sample drawn at one
// size and theme, in a grid on one PNG, each with its name below it. Render's public face for
// the command: tools/ includes this header and none of render's internals.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace pipectl::render {

struct ContactSheetOptions {
  std::filesystem::path out = "contact-sheet.png";
  int card_width = 960;  // each card's size, px
  int card_height = 540;
  std::string theme = "light";
  int columns = 4;
  bool progress = false;  // "drawing i/n name" on stderr, rewritten in place (for a terminal)
};

// What was written, for the command's summary line.
struct ContactSheet {
  int width = 0;  // px
  int height = 0;
  int cards = 0;
};

// Draws the sheet and writes it to options.out as an 8-bit RGBA PNG (under a temporary name,
// renamed when complete). For cards of W x H with S = min(W, H): a gap of max(8, S/24) px round
// every card and a band of max(20, S/10) px with its name under it. Throws std::exception
// naming the file when it cannot be drawn or written.
ContactSheet write_contact_sheet(const ContactSheetOptions& options);

// Why `name` is not a card theme ("unknown theme ..., known: light, dark"), or "" when it is.
std::string contact_sheet_theme_problem(const std::string& name);

// Every sample's name and one-line summary, in the sheet's order (for --list).
std::vector<std::pair<std::string, std::string>> contact_sheet_samples();

}  // namespace pipectl::render
