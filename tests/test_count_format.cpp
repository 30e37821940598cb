// Counts as cards show them (stages/render/count_format): footers, day totals, cut notes.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
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

TEST_CASE("a poll's shares are of all votes, or of the voters for multiple choice; none when votes are unknown",
          "[render][poll]") {
  items::Poll poll{{{"a", 30}, {"b", 10}, {"c", 0}}, std::nullopt, false, false};
  auto shares = render::poll_shares(poll);
  REQUIRE(shares);
  CHECK(*shares == std::vector<double>{0.75, 0.25, 0.0});
  // Multiple choice with 32 voters: each share is of the voters, and they may add up past 1.
  poll.multiple = true;
  poll.voters = 32;
  shares = render::poll_shares(poll);
  REQUIRE(shares);
  CHECK((*shares)[0] == Approx(30.0 / 32));
  CHECK((*shares)[1] == Approx(10.0 / 32));
  // Voters not given: of all votes again.
  poll.voters.reset();
  shares = render::poll_shares(poll);
  REQUIRE(shares);
  CHECK(shares->at(0) == Approx(0.75));
  // No votes yet: 0 each, not a division by zero.
  const items::Poll empty{{{"a", 0}, {"b", 0}}, 0, false, false};
  CHECK(render::poll_shares(empty) == std::vector<double>{0.0, 0.0});
  // One option without a count (hidden totals): no shares at all.
  const items::Poll hidden{{{"a", 3}, {"b", std::nullopt}}, std::nullopt, false, false};
  CHECK_FALSE(render::poll_shares(hidden));
  // Hostile counts stay between 0 and 1.
  constexpr std::int64_t most = std::numeric_limits<std::int64_t>::max();
  const items::Poll hostile{{{"a", -5}, {"b", most}, {"c", most}}, 1, true, true};
  const auto hostile_shares = render::poll_shares(hostile);
  REQUIRE(hostile_shares);
  for (double share : *hostile_shares) {
    CHECK(share >= 0);
    CHECK(share <= 1);
  }
}

TEST_CASE("a poll's figures: whole percentages, and the line under it says only what is known", "[render][poll]") {
  CHECK(render::percent_text(0.0) == "0%");
  CHECK(render::percent_text(0.125) == "13%");
  CHECK(render::percent_text(2.0 / 3) == "67%");
  CHECK(render::percent_text(1.0) == "100%");
  CHECK(render::percent_text(std::nan("")) == "0%");
  CHECK(render::poll_summary(std::nullopt, 0, false).empty());
  CHECK(render::poll_summary(1, 0, false) == "1 person");
  CHECK(render::poll_summary(1795, 0, true) == "1,795 people \u00B7 Final results");
  CHECK(render::poll_summary(std::nullopt, 0, true) == "Final results");
  CHECK(render::poll_summary(12, 3, false) == "\u2026 3 more options \u00B7 12 people");
  CHECK(render::poll_summary(std::nullopt, 1, false) == "\u2026 1 more option");
}
