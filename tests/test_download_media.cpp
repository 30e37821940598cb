// The download-media module: pictures in the three formats decode to the right size and
// colour; broken, missing and oversized pictures are refused with a reason; the stage turns
// a failed picture into a placeholder and a warning, never a lost post.
#include <catch2/catch.hpp>

#include <fstream>

#include "builtin.hpp"
#include "image_decoder.hpp"
#include "image_header.hpp"
#include "items/media.hpp"
#include "support/fixture_graph.hpp"
#include "support/paths.hpp"

using namespace pipectl;
namespace fs = std::filesystem;

namespace {

// Makes a solid-colour picture with the real ffmpeg encoders (lavfi colour source).
fs::path make_picture(const fs::path& folder, const std::string& name, const std::string& size,
                      const std::string& colour) {
  fs::path file = folder / name;
  auto result = test::run_command("ffmpeg -v error -y -f lavfi -i color=c=" + colour + ":s=" + size +
                                  " -frames:v 1 " + test::shell_quote(file.string()));
  REQUIRE(result.exit_code == 0);
  return file;
}

void check_colour(const items::Image& image, int red, int green, int blue) {
  size_t centre = (static_cast<size_t>(image.height / 2) * image.width + image.width / 2) * 4;
  CHECK(std::abs(image.rgba[centre] - red) <= 6);
  CHECK(std::abs(image.rgba[centre + 1] - green) <= 6);
  CHECK(std::abs(image.rgba[centre + 2] - blue) <= 6);
  CHECK(image.rgba[centre + 3] == 255);
}

class Collect : public Emitter {
 public:
  void emit(Item item) override { items.push_back(std::move(item)); }
  std::vector<Item> items;
};

}  // namespace

TEST_CASE("JPEG, PNG and WebP decode to RGBA of the right size and colour") {
  test::TempDir folder;
  for (const char* name : {"red.jpg", "red.png", "red.webp"}) {
    INFO(name);
    auto image = media::decode_image_file(make_picture(folder.path(), name, "640x360", "0xE01010").string());
    CHECK(image.width == 640);
    CHECK(image.height == 360);
    CHECK(image.rgba.size() == 640u * 360u * 4u);
    check_colour(image, 0xE0, 0x10, 0x10);
  }
}

TEST_CASE("large pictures are scaled down with their aspect ratio kept") {
  test::TempDir folder;
  auto file = make_picture(folder.path(), "wide.png", "3000x1000", "blue");
  media::DecodeLimits limits;
  limits.max_side = 1500;
  auto image = media::decode_image_file(file.string(), limits);
  CHECK(image.width == 1500);
  CHECK(image.height == 500);
  check_colour(image, 0, 0, 255);
}

TEST_CASE("broken, missing and oversized pictures are refused with a reason") {
  test::TempDir folder;
  CHECK_THROWS_WITH(media::decode_image_file((folder.path() / "nope.png").string()), Catch::Contains("no such file"));

  fs::path text = folder.path() / "notes.jpg";
  std::ofstream(text) << "these are not pixels";
  CHECK_THROWS(media::decode_image_file(text.string()));

  fs::path corrupt = test::stored_fixtures() / "media" / "corrupt.jpg";
  CHECK_THROWS(media::decode_image_file(corrupt.string()));

  // A truncated PNG: the header is intact, the pixels are not.
  auto whole = make_picture(folder.path(), "whole.png", "400x400", "green");
  std::ifstream in(whole, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::path cut = folder.path() / "cut.png";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, 60);
  CHECK_THROWS(media::decode_image_file(cut.string()));

  // The size comes from each format's header, before anything is decoded.
  media::DecodeLimits limits;
  limits.max_pixels = 1'000'000;
  for (const char* name : {"big.png", "big.jpg", "big.webp"}) {
    INFO(name);
    auto big = make_picture(folder.path(), name, "2000x1500", "white");
    auto size = media::read_pixel_size(big.string());
    REQUIRE(size);
    CHECK(size->width == 2000);
    CHECK(size->height == 1500);
    CHECK_THROWS_WITH(media::decode_image_file(big.string(), limits),
                      Catch::Contains("2000x1500") && Catch::Contains("more than the limit"));
  }
  CHECK_FALSE(media::read_pixel_size(text.string()));
}

TEST_CASE("the stage keeps the post when a picture fails, with a placeholder and a warning") {
  test::TempDir folder;
  auto good = make_picture(folder.path(), "good.png", "200x100", "yellow");
  Registry registry;
  register_builtin_stages(registry);
  const StageInfo* info = registry.find("download-media");
  REQUIRE(info);
  std::vector<std::string> warnings;
  RunContext context;
  context.warn = [&](const std::string& message) { warnings.push_back(message); };
  auto stage = info->create(Params({{"max_side", "2048"}, {"max_pixels", "50000000"}}), context);

  items::Post post;
  post.id = "77";
  post.media = {{.key = "3_good", .type = "photo", .url = "file://" + good.string(), .width = 200, .height = 100, .alt_text = ""},
                {.key = "3_bad", .type = "photo", .url = "file:///no/such/picture.jpg", .width = 1, .height = 1, .alt_text = ""},
                {.key = "3_web", .type = "photo", .url = "https://pbs.twimg.com/media/x.jpg", .width = 1, .height = 1, .alt_text = ""}};
  Collect out;
  stage->process(Item::make(post), out);
  REQUIRE(out.items.size() == 1);
  const auto& result = out.items[0].as<items::MediaPost>();
  CHECK(result.post.id == "77");
  REQUIRE(result.images.size() == 3);
  CHECK(result.images[0]->width == 200);
  CHECK_FALSE(result.images[1]);
  CHECK_FALSE(result.images[2]);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("post 77: media 3_bad") != std::string::npos);
  CHECK(warnings[1].find("only local files") != std::string::npos);
}
