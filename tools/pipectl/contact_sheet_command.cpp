// pipectl contact-sheet: every sample card (render/samples/card_samples) drawn at one size and theme,
// in a grid on one PNG, each with its name below it: the cards at a glance, for reviews and the
// README.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "commands.hpp"
#include "contact_sheet.hpp"
#include "pipectl/params.hpp"

namespace pipectl::cli {

namespace {

constexpr int exit_not_written = 1;  // the sheet could not be drawn or written

const char* contact_sheet_help =
    R"(Usage: pipectl contact-sheet [--out FILE] [--size WxH] [--theme light|dark] [--columns N]
       pipectl contact-sheet --list

Draws every sample card and writes them as one PNG: a grid of N columns, each card with its
name below it. The samples are a fixed set made in code (no input files): every script
(Latin, Cyrillic, Greek, Arabic, Hebrew, mixed directions, Devanagari, Bengali, Tamil, Thai,
Japanese, Chinese, Korean, emoji) and every layout (text only, 1 to 4 photos, video, GIF,
quote, repost, reply, footer counts, entities, a 25,000-character post, photos without text,
a missing picture, title and end cards). The golden-image tests (tests/golden/) draw the
same set.

  --out FILE    the PNG to write (default: contact-sheet.png); its folder must exist
  --size WxH    the size of each card (default: 960x540; 64 to 8192 per side); a card's
                parts scale with its short side, as in a video of that size
  --theme NAME  the cards' colours: light (default) or dark
  --columns N   cards per row (default: 4; 1 to 64)
  --list        print each sample's name and what it shows; draw nothing

The sheet: for cards of W x H px with a short side S = min(W, H), a gap of G = max(8, S/24) px
round every card and under each card a band of B = max(20, S/10) px with its name, so the
PNG is N*(W+G)+G px wide and R*(H+B+G)+G px high, for R = ceil(cards/N) rows.

  pipectl contact-sheet --out docs/contact-sheet.png --size 480x270 --columns 6

Reads: nothing but the fonts (through fontconfig). Writes: FILE, an 8-bit RGBA PNG (under a
temporary name, renamed when complete), and a summary line on stdout.
Exit codes: 0 the sheet was written, 1 it could not be written (the message names the file),
2 bad usage (nothing drawn).
)";

struct SheetOptions {
  render::ContactSheetOptions sheet;  // its defaults are the help text's
  bool list = false;
};

// Fills `options`; returns the problem, or "" when the command line is good.
std::string parse(const std::vector<std::string>& args, SheetOptions& options) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (auto v = option_value(args, i, "--out")) {
      if (v->empty()) return "--out needs a file name";
      options.sheet.out = *v;
    } else if (auto v = option_value(args, i, "--size")) {
      auto size = parse_size(*v);
      if (!size || size->width < 64 || size->height < 64 || size->width > 8192 || size->height > 8192)
        return "--size '" + *v + "' is not a card size (WIDTHxHEIGHT, 64 to 8192 each, e.g. 960x540)";
      options.sheet.card_width = size->width;
      options.sheet.card_height = size->height;
    } else if (auto v = option_value(args, i, "--theme")) {
      if (std::string problem = render::contact_sheet_theme_problem(*v); !problem.empty())
        return "--theme: " + problem;
      options.sheet.theme = *v;
    } else if (auto v = option_value(args, i, "--columns")) {
      auto n = parse_count(*v, 1, 64);
      if (!n) return "--columns '" + *v + "' is not a number from 1 to 64";
      options.sheet.columns = *n;
    } else if (args[i] == "--list") {
      options.list = true;
    } else {
      return "unknown argument '" + args[i] + "'";
    }
  }
  return "";
}

int list_samples() {
  for (const auto& [name, summary] : render::contact_sheet_samples()) std::cout << name << "  " << summary << '\n';
  return exit_ok;
}

}  // namespace

int contact_sheet_command(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << contact_sheet_help;
      return exit_ok;
    }
  SheetOptions options;
  if (std::string problem = parse(args, options); !problem.empty()) {
    std::cerr << "pipectl contact-sheet: " << problem << " (see pipectl contact-sheet --help)\n";
    return exit_usage;
  }
  if (options.list) return list_samples();

  // Say so before minutes of drawing, not after.
  const std::filesystem::path& out = options.sheet.out;
  const std::filesystem::path folder = out.parent_path().empty() ? "." : out.parent_path();
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) {
    std::cerr << "pipectl contact-sheet: " << out.string() << ": cannot write it: the folder "
              << folder.string() << " does not exist\n";
    return exit_not_written;
  }

  try {
    options.sheet.progress = isatty(STDERR_FILENO) != 0;
    const render::ContactSheet sheet = render::write_contact_sheet(options.sheet);
    std::cout << "wrote " << out.string() << ": " << sheet.width << "x" << sheet.height << " px, " << sheet.cards
              << " cards of " << options.sheet.card_width << "x" << options.sheet.card_height << ", "
              << options.sheet.theme << " theme, " << options.sheet.columns << " columns\n";
    return exit_ok;
  } catch (const std::exception& e) {
    std::cerr << "pipectl contact-sheet: " << e.what() << '\n';
    return exit_not_written;
  }
}

}  // namespace pipectl::cli
