// Fonts (stages/render/fonts): the fallback chain per script and for emoji sequences, no tofu.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "builtin.hpp"
#include "card_geometry.hpp"
#include "card_renderer.hpp"
#include "card_samples.hpp"
#include "count_format.hpp"
#include "fonts.hpp"
#include "frame_convert.hpp"
#include "items/frame.hpp"
#include "items/media.hpp"
#include "pipectl/registry.hpp"
#include "png_file.hpp"
#include "post_text.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"
#include "support/render_cards.hpp"
#include "support/skip.hpp"
#include "text_layout.hpp"
#include "text_raster.hpp"
#include "time_format.hpp"

using namespace pipectl;
using namespace pipectl::test::cards;
namespace fs = std::filesystem;

TEST_CASE("the fallback chain picks a font per script", "[render][fonts]") {
  auto family_for = [](std::u32string cluster) {
    return fonts()
        .font_for(cluster.data(), cluster.size(), render::FontWeight::regular, nullptr)
        .family();
  };
  CHECK(family_for(U"A") == "Noto Sans");
  CHECK(family_for(U"\u0645") == "Noto Sans Arabic");
  CHECK(family_for(U"\u05D0") == "Noto Sans Hebrew");
  CHECK(family_for(U"\u0928") == "Noto Sans Devanagari");
  CHECK(family_for(U"\u65E5") == "Noto Sans CJK JP");
  CHECK(family_for(U"\u0E01") == "Noto Sans Thai");
  CHECK(family_for(U"\U0001F600") == "Noto Color Emoji");
  // A ZWJ sequence with VS16 stays whole, in the emoji font.
  CHECK(family_for(U"\U0001F469\u200D\U0001F4BB") == "Noto Color Emoji");
  CHECK(family_for(U"\u2764\uFE0F") == "Noto Color Emoji");
  // A keycap digit is an emoji; a plain digit is not.
  CHECK(family_for(U"1\uFE0F\u20E3") == "Noto Color Emoji");
  CHECK(family_for(U"1") == "Noto Sans");
  CHECK(fonts().primary(render::FontWeight::bold).file().find("Bold") != std::string::npos);
}

TEST_CASE("every emoji sequence stays one cluster and is drawn from the colour font, without tofu",
          "[render][emoji]") {
  const fs::path shared = test::shared_dir();
  if (shared.empty()) {
    return test::skip("../shared/reference is absent, the emoji-clusters test cannot run");
  }
  // Lines "font;options;1F636,200D,1F32B,FE0F;[expected]": only the code points are used here;
  // HarfBuzz's own expectation (one cluster per sequence) is checked on our pipeline instead.
  std::ifstream in(shared / "reference" / "harfbuzz-emoji-clusters" / "emoji-clusters.tests");
  REQUIRE(in);
  render::ShapingTools tools;
  render::TextLayouter layouter(fonts());
  int sequences = 0, one_cluster = 0, no_tofu = 0, colour = 0, one_glyph = 0;
  std::vector<std::string> failures;
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find(';'), second = line.find(';', first + 1), third = line.find(';', second + 1);
    if (third == std::string::npos) continue;
    std::istringstream hex(line.substr(second + 1, third - second - 1));
    icu::UnicodeString units;
    for (std::string cp; std::getline(hex, cp, ',');) units.append(static_cast<UChar32>(std::stoul(cp, nullptr, 16)));
    ++sequences;
    // The wrapper cuts and truncates only between grapheme clusters.
    auto& clusters = tools.graphemes();
    clusters.setText(units);
    const bool single = clusters.following(0) == units.length();
    one_cluster += single;
    std::string utf8;
    units.toUTF8String(utf8);
    const auto layout = layouter.layout(utf8, 2000, 200, render::TextStyle{});
    const bool tofu = std::any_of(layout.glyphs.begin(), layout.glyphs.end(), [](auto& g) { return g.glyph == 0; });
    const bool in_colour = !layout.glyphs.empty() &&
                           std::all_of(layout.glyphs.begin(), layout.glyphs.end(), [](auto& g) { return g.font->is_color(); });
    no_tofu += !tofu;
    colour += in_colour;
    one_glyph += layout.glyphs.size() == 1;
    if ((!single || tofu || !in_colour) && failures.size() < 10) failures.push_back(line.substr(second + 1, third - second - 1));
  }
  WARN("emoji-clusters.tests: " << sequences << " sequences; one grapheme cluster: " << one_cluster
                                << "; no tofu: " << no_tofu << "; all from the colour font: " << colour
                                << "; drawn as one glyph: " << one_glyph);
  std::string listed;
  for (const auto& f : failures) listed += " " + f;
  INFO("first failures:" << listed);
  CHECK(sequences == 3347);
  CHECK(one_cluster == sequences);
  CHECK(no_tofu == sequences);
  CHECK(colour == sequences);
  CHECK(one_glyph == sequences);  // Noto Color Emoji (Debian 12) has a picture for each
}

TEST_CASE("no tofu: every script Noto covers finds a font with its glyphs", "[render][fonts]") {
  const std::pair<const char*, const char*> samples[] = {
      {"Latin", "Crème brûlée, jamón ibérico, smørrebrød, Łódź, Dvořák"},
      {"Cyrillic", "Съешь же ещё этих мягких французских булок"},
      {"Greek", "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία"},
      {"Armenian", "Բարեւ աշխարհ"},
      {"Georgian", "გამარჯობა მსოფლიო"},
      {"Arabic", "مرحبا بالعالم، كيف حالك اليوم؟"},
      {"Persian", "سلام دنیا، امروز چطوری؟"},
      {"Urdu", "ہیلو دنیا"},
      {"Hebrew", "שלום עולם, מה שלומך היום?"},
      {"Devanagari", "नमस्ते दुनिया, आज आप कैसे हैं?"},
      {"Bengali", "ওহে বিশ্ব, আজ তুমি কেমন আছ?"},
      {"Gurmukhi", "ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ ਦੁਨੀਆ"},
      {"Gujarati", "નમસ્તે વિશ્વ"},
      {"Tamil", "வணக்கம் உலகம், இன்று எப்படி இருக்கிறீர்கள்?"},
      {"Telugu", "హలో ప్రపంచం"},
      {"Kannada", "ಹಲೋ ವಿಶ್ವ"},
      {"Malayalam", "ഹലോ ലോകം"},
      {"Sinhala", "හෙලෝ ලෝකය"},
      {"Thai", "สวัสดีชาวโลก วันนี้เป็นอย่างไรบ้าง"},
      {"Lao", "ສະບາຍດີໂລກ"},
      {"Khmer", "សួស្តី​ពិភពលោក"},
      {"Myanmar", "မင်္ဂလာပါ ကမ္ဘာလောက"},
      {"Tibetan", "བཀྲ་ཤིས་བདེ་ལེགས།"},
      {"Ethiopic", "ሰላም ልዑል"},
      {"Japanese", "今日は良い天気ですね。カタカナとひらがな。"},
      {"Chinese (simplified)", "你好世界，今天天气很好。"},
      {"Chinese (traditional)", "你好世界，今天天氣很好。"},
      {"Korean", "안녕하세요 세계, 오늘 날씨가 좋네요."},
      {"Emoji", "👨‍👩‍👧‍👦 🇯🇵 🇺🇦 👍🏽 🏳️‍🌈 1️⃣ ❤️‍🔥"},
      {"Symbols and math", "→ ← ↑ ↓ ∑ ∫ √ ∞ ≈ ≠ € £ ¥ ₹ ₿ ° ™ ©"},
  };
  render::TextLayouter layouter(fonts());
  for (const auto& [script, text] : samples) {
    INFO(script << ": " << text);
    const auto layout = layouter.layout(text, 4000, 200, render::TextStyle{});
    CHECK_FALSE(layout.glyphs.empty());
    int tofu = 0;
    for (const auto& glyph : layout.glyphs) tofu += glyph.glyph == 0;
    CHECK(tofu == 0);
  }
}
