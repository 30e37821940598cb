// The render stage itself (stages/render/render_stage): its declaration, the frames it emits
// for a day, its captions and themes.
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

#include "render.hpp"
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

TEST_CASE("the render stage emits a title card, then one frame per post", "[render][stage]") {
  Registry registry;
  registry.add(render_stage());
  const StageInfo* info = registry.find("render");
  REQUIRE(info);
  REQUIRE(info->inputs.size() == 1);
  CHECK(info->inputs[0].item_type == "media");
  CHECK(info->outputs.at(0).item_type == "frame");
  std::map<std::string, std::string> defaults;
  for (const ParamSpec& spec : info->params) defaults[spec.name] = spec.default_value;
  CHECK(defaults["size"] == "1920x1080");
  CHECK(defaults["card"] == "3s");

  RunContext context;
  context.variables["handle"] = "ada";
  context.variables["date"] = "2026-11-24";
  context.variables["tz"] = "Europe/London";
  // Post `i` of a day of `count`, as fetch numbers them.
  auto day_post = [](int i, int count) {
    items::MediaPost post = make_post("Post number " + std::to_string(i));
    post.post.id = "id" + std::to_string(i);
    post.post.index = i;
    post.post.day_count = count;
    return post;
  };
  // The defaults, with some values replaced: what a graph file gives the stage.
  auto params = [&](std::map<std::string, std::string> given) {
    std::map<std::string, std::string> values = defaults;
    for (auto& [name, value] : given) values[name] = value;
    return Params(values);
  };

  SECTION("posts") {
    auto stage = info->create(params({{"size", "320x180"}, {"card", "2s"}, {"end_card", "false"}}), context);
    Collect out;
    for (int i = 0; i < 2; ++i) stage->process(Item::make(day_post(i, 2)), out);
    stage->finish(out);
    REQUIRE(out.frames.size() == 3);
    CHECK(out.frames[0].sequence == 0);
    CHECK(out.frames[0].label == "title");
    CHECK(out.frames[1].sequence == 1);
    CHECK(out.frames[1].label == "id0");
    CHECK(out.frames[2].sequence == 2);
    CHECK(out.frames[2].label == "id1");
    for (const auto& frame : out.frames) {
      CHECK(frame.width == 320);
      CHECK(frame.height == 180);
      CHECK(frame.y.size() == 320u * 180);
      CHECK(frame.u.size() == 160u * 90);
      CHECK(frame.duration_seconds == Approx(2.0));
    }
  }
  SECTION("the end card comes last and sums up the day") {
    auto stage = info->create(params({{"size", "320x180"}}), context);
    Collect out;
    for (int i = 0; i < 3; ++i) {
      items::MediaPost post = day_post(i, 3);
      post.post.metrics.likes = 1000 * (i + 1);
      stage->process(Item::make(post), out);
    }
    stage->finish(out);
    REQUIRE(out.frames.size() == 5);
    CHECK(out.frames[4].label == "end");
    CHECK(out.frames[4].sequence == 4);
    CHECK(out.frames[4].caption == "End of the day for @ada: 3 posts");
  }
  SECTION("a day without posts still gets its title card, and its end card") {
    auto stage = info->create(params({{"size", "320x180"}}), context);
    Collect out;
    stage->finish(out);
    REQUIRE(out.frames.size() == 2);
    CHECK(out.frames[0].sequence == 0);
    CHECK(out.frames[0].label == "title");
    CHECK(out.frames[1].sequence == 1);
    CHECK(out.frames[1].label == "end");
  }
  SECTION("themes: dark cards are dark, and an unknown theme is refused when the graph is checked") {
    const auto* theme = &*std::find_if(info->params.begin(), info->params.end(),
                                       [](const ParamSpec& spec) { return spec.name == "theme"; });
    CHECK(theme->choices == std::vector<std::string>{"light", "dark"});
    const auto why = check_param_value(*theme, "purple");
    REQUIRE(why);
    CHECK(why->find("light, dark") != std::string::npos);
    CHECK_FALSE(check_param_value(*theme, "dark"));

    auto stage = info->create(params({{"size", "320x180"}, {"theme", "dark"}}), context);
    Collect out;
    stage->finish(out);
    REQUIRE_FALSE(out.frames.empty());
    // Mean luma of the title card: the dark theme's is low (BT.709 limited range: 16 is black).
    const auto& y = out.frames[0].y;
    double sum = 0;
    for (auto v : y) sum += v;
    CHECK(sum / static_cast<double>(y.size()) < 50);
  }
  SECTION("odd sizes and unknown zones are refused when the stage is made") {
    CHECK_THROWS_AS(info->create(params({{"size", "321x180"}}), context),
                    std::invalid_argument);
    context.variables["tz"] = "Nowhere/Atlantis";
    CHECK_THROWS_AS(info->create(params({{"size", "320x180"}}), context),
                    std::invalid_argument);
  }
}

TEST_CASE("a day's captions and end card count own posts and reposts apart", "[render][stage][repost]") {
  Registry registry;
  registry.add(render_stage());
  const StageInfo* info = registry.find("render");
  REQUIRE(info);
  std::map<std::string, std::string> values;
  for (const ParamSpec& spec : info->params) values[spec.name] = spec.default_value;
  values["size"] = "320x180";
  RunContext context;
  // No handle: the title names the account from the posts.
  context.variables = {{"handle", ""}, {"date", "2026-11-24"}, {"tz", "UTC"}};
  // A day of four: the first is a repost drawn as the original (so the title's name is the
  // reposter's), then two posts of the handle's own, then a repost whose original the source
  // did not deliver ("RT @x: ...", with the original's counts).
  auto stage = info->create(Params(values), context);
  Collect out;
  for (int i = 0; i < 4; ++i) {
    items::MediaPost post = i == 0 ? make_repost() : make_post(i == 3 ? "RT @esa: Liftoff" : "Own post " + std::to_string(i));
    post.post.id = "id" + std::to_string(i);
    post.post.index = i;
    post.post.day_count = 4;
    post.post.day_reposts = 2;
    post.post.metrics.likes = i == 0 ? 900 : i == 3 ? 500 : 10;
    if (i == 0) post.post.repost->by.name = "\u202EAda";
    if (i == 3) post.post.referenced.push_back({"retweeted", "5", std::nullopt, items::Author{"8", "ESA", "esa", ""}});
    stage->process(Item::make(post), out);
  }
  stage->finish(out);
  REQUIRE(out.frames.size() == 6);
  CHECK(out.frames[0].caption == "Ada @ada, 2026-11-24: 2 posts and 2 reposts");
  CHECK(out.frames[1].caption == "@ada reposted @orbit: The booster is back on the pad after its 25th flight.");
  CHECK(out.frames[2].caption == "@ada: Own post 1");
  CHECK(out.frames[4].caption == "@ada: RT @esa: Liftoff");
  CHECK(out.frames[5].caption == "End of the day for @ada: 2 posts and 2 reposts");

  // The end card sums the own posts' counts only: 20 likes, not 1,420.
  CardRenderer& r = renderer(320, 180);
  const auto own_only = r.render_end({"ada", "2026-11-24", 2, {.likes = 20}, 2});
  const auto expected = render::to_frame(own_only.canvas);
  CHECK(out.frames[5].y == expected.y);
}
