// Times as cards show them (stages/render/time_format), in the run's time zone.
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

TEST_CASE("times are shown in the run's time zone", "[render][time]") {
  CHECK(render::TimeFormatter("UTC").post_time(at_utc(14, 5)) == "14:05 \u00B7 Tue 24 Nov 2026");
  CHECK(render::TimeFormatter("Asia/Tokyo").post_time(at_utc(14, 5)) ==
        "23:05 \u00B7 Tue 24 Nov 2026");
  CHECK(render::TimeFormatter("America/Los_Angeles").local_day(at_utc(3, 0)) == "2026-11-23");
  CHECK(render::TimeFormatter("UTC").long_date("2026-11-24") == "Tuesday, 24 November 2026");
  CHECK(render::TimeFormatter("UTC").long_date("not a date") == "not a date");
  CHECK_THROWS_AS(render::TimeFormatter("Mars/Olympus_Mons"), std::invalid_argument);
}
