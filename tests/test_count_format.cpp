// Counts as cards show them (stages/render/count_format): footers, day totals, cut notes.
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


TEST_CASE("counts are compact in the footer, grouped in full elsewhere", "[render][footer]") {
  CHECK(render::compact_count(0) == "0");
  CHECK(render::compact_count(1234) == "1,234");
  CHECK(render::compact_count(9999) == "9,999");
  CHECK(render::compact_count(12345) == "12K");
  CHECK(render::compact_count(1'000'000) == "1M");
  CHECK(render::compact_count(1'250'000) == "1.2M");
  CHECK(render::compact_count(3'000'000'000) == "3B");
  CHECK(render::grouped_count(24312) == "24,312");
}

TEST_CASE("the footer text counts replies, reposts, likes and quotes, and is empty without counts",
          "[render][footer]") {
  CHECK(render::footer_text({12, 1, 1234, 0}) == "12 replies  \u00B7  1 repost  \u00B7  1,234 likes");
  CHECK(render::footer_text({}).empty());
}

TEST_CASE("the note of cut text counts characters", "[render][layout]") {
  CHECK(render::cut_note(1) == "\u2026 1 more character");
}

TEST_CASE("day totals: own posts, and reposts apart", "[render][title][repost]") {
  CHECK(render::day_posts_text(12, 0) == "12 posts");
  CHECK(render::day_posts_text(1, 1) == "1 post and 1 repost");
  CHECK(render::day_posts_text(1234, 3) == "1,234 posts and 3 reposts");
  CHECK(render::day_posts_text(0, 2) == "0 posts and 2 reposts");
}
