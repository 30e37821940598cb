// The card renderer's canvas reuse (stages/render/card_renderer).
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

TEST_CASE("a recycled canvas draws the next card exactly as a fresh one", "[render][card]") {
  // The render stage hands each card's canvas back for the next card: nothing of the photo
  // card may show through the text card drawn after it, nor of a dark title card.
  auto sample = [](const char* name) { return render::sample_named(samples(), name); };
  CardRenderer fresh(640, 360, "UTC");
  const Canvas expected = render::render_sample(fresh, sample("script-latin"));

  CardRenderer reused(640, 360, "UTC");
  Canvas photo = render::render_sample(reused, sample("layout-photos-4"));
  const std::uint8_t* pixels = photo.rgba().data();
  reused.recycle(std::move(photo));
  const Canvas again = render::render_sample(reused, sample("script-latin"));
  CHECK(again.rgba().data() == pixels);  // the same buffer, drawn over
  CHECK(again.rgba() == expected.rgba());

  // A canvas of another size is not kept.
  reused.recycle(Canvas(320, 180, Color::rgb(0)));
  CHECK(render::render_sample(reused, sample("script-latin")).rgba() == expected.rgba());
}
