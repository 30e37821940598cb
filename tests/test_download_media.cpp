// The download-media module: pictures in the three formats decode to the right size and
// colour; broken, missing and oversized pictures are refused with a reason; the stage turns
// a failed picture into a placeholder and a warning, never a lost post. Downloads run against a
// real server on 127.0.0.1 (support/loopback_server): the cache on disk (a rerun asks for
// nothing), the byte and pixel caps, server errors and time-outs, the limit on downloads at once,
// avatars, link card pictures and custom emoji, https with a throwaway CA; and the choice of X
// photo variants for the card size.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "builtin.hpp"
#include "card_geometry.hpp"
#include "image_decoder.hpp"
#include "image_header.hpp"
#include "items/media.hpp"
#include "media_cache.hpp"
#include "photo_variant.hpp"
#include "support/file_limits.hpp"
#include "support/fixture_graph.hpp"
#include "support/loopback_server.hpp"
#include "support/paths.hpp"
#include "support/test_certificates.hpp"

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

// Thread-safe: the stage is parallel, and one test drives it from several threads.
class Collect : public Emitter {
 public:
  void emit(Item item) override {
    std::lock_guard lock(mutex);
    items.push_back(std::move(item));
  }
  std::mutex mutex;
  std::vector<Item> items;
};

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The stage with its declared defaults, but for `overrides`; its warnings go to `warnings`.
struct StageUnderTest {
  explicit StageUnderTest(std::map<std::string, std::string> overrides, RunContext context = {}) {
    register_builtin_stages(registry);
    const StageInfo* info = registry.find("download-media");
    REQUIRE(info);
    std::map<std::string, std::string> values;
    for (const auto& spec : info->params) values[spec.name] = spec.default_value;
    for (auto& [name, value] : overrides) values[name] = value;
    context.warn = [this](const std::string& message) {
      std::lock_guard lock(mutex);
      warnings.push_back(message);
    };
    stage = info->create(Params(values), context);
  }

  const items::MediaPost& run(const items::Post& post) {
    Collect out;
    stage->process(Item::make(post), out);
    REQUIRE(out.items.size() == 1);
    results.push_back(out.items[0]);
    return results.back().as<items::MediaPost>();
  }

  Registry registry;
  std::unique_ptr<Stage> stage;
  std::mutex mutex;
  std::vector<std::string> warnings;
  std::vector<Item> results;
};

items::MediaRef photo(const std::string& key, const std::string& url) {
  items::MediaRef media;
  media.key = key;
  media.type = "photo";
  media.url = url;
  return media;
}

items::Post post_with(const std::string& id, std::vector<items::MediaRef> media) {
  items::Post post;
  post.id = id;
  post.text = "a post";
  post.author.username = "orbit_daily";
  post.media = std::move(media);
  return post;
}

// A PNG whose header claims 30000x30000 pixels, with nothing behind it: refused from the header.
std::string decompression_bomb_png() {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png += std::string("\0\0\0\x0dIHDR", 8);
  for (int side = 0; side < 2; ++side) png += std::string("\0\0\x75\x30", 4);  // 30000, big-endian
  png += std::string("\x08\x06\0\0\0", 5);                                     // 8-bit RGBA
  png += std::string("\0\0\0\0", 4);                                           // CRC, never read
  return png + std::string(200, '\0');
}

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

TEST_CASE("a header whose sides multiply past 64 bits is refused as too large", "[fuzz]") {
  // tests/fuzz/corpus/image/crash-png-size-overflow.png: width x height overflowed long long in
  // the pixel limit check (UBSan), so the check could pass for a huge picture.
  test::TempDir folder;
  const unsigned char ihdr[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                0xff, 0xfb, 0xff, 0xff, 0xff, 0xff, 0x5f, 0x40, 8, 6, 0, 0, 0};
  fs::path file = folder.path() / "huge.png";
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(ihdr), sizeof ihdr);
  auto size = media::read_pixel_size(file.string());
  REQUIRE(size);
  CHECK(size->width == 4294705151);
  CHECK_THROWS_WITH(media::decode_image_file(file.string()), Catch::Contains("more than the limit"));
}

TEST_CASE("the stage keeps the post when a picture fails, with a placeholder and a warning") {
  test::TempDir folder;
  auto good = make_picture(folder.path(), "good.png", "200x100", "yellow");
  StageUnderTest under_test({{"cache", (folder.path() / "cache").string()}});
  items::Post post =
      post_with("77", {photo("3_good", std::string("file://") + good.string()),
                       photo("3_bad", "file:///no/such/picture.jpg"), photo("3_ftp", "ftp://example.test/x.jpg")});
  post.media[0].width = 200;
  post.media[0].height = 100;
  const auto& result = under_test.run(post);
  CHECK(result.post.id == "77");
  REQUIRE(result.images.size() == 3);
  CHECK(result.images[0]->width == 200);
  CHECK_FALSE(result.images[1]);
  CHECK_FALSE(result.images[2]);
  REQUIRE(under_test.warnings.size() == 2);
  CHECK(under_test.warnings[0].find("post 77: media 3_bad") != std::string::npos);
  CHECK(under_test.warnings[1].find("only file://, http:// and https://") != std::string::npos);
  CHECK(result.notes == under_test.warnings);
  CHECK_FALSE(result.avatar);  // the post names none
}

TEST_CASE("http pictures are downloaded into the cache, and a rerun downloads nothing", "[download]") {
  test::TempDir folder;
  const std::string png = read_bytes(make_picture(folder.path(), "red.png", "320x200", "0xE01010"));
  const std::string jpeg = read_bytes(make_picture(folder.path(), "blue.jpg", "160x90", "blue"));
  test::LoopbackServer server([&](const test::LoopbackRequest& request) {
    if (request.target.starts_with("/red.png")) return test::reply_with(200, png);
    if (request.target == "/blue.jpg") return test::reply_with(200, jpeg);
    return test::reply_with(404);
  });
  const fs::path cache = folder.path() / "out" / ".cache" / "media";
  const std::string red_url = server.url("/red.png?format=png&token=x");
  items::Post post = post_with("1", {photo("k_red", red_url), photo("k_blue", server.url("/blue.jpg"))});

  std::vector<std::uint8_t> first_pixels;
  {
    StageUnderTest under_test({{"cache", cache.string()}});
    const auto& result = under_test.run(post);
    REQUIRE(result.images.size() == 2);
    REQUIRE(result.images[0]);
    REQUIRE(result.images[1]);
    CHECK(result.images[0]->width == 320);
    check_colour(*result.images[0], 0xE0, 0x10, 0x10);
    CHECK(result.images[1]->height == 90);
    check_colour(*result.images[1], 0, 0, 255);
    CHECK(under_test.warnings.empty());
    first_pixels = result.images[0]->rgba;
  }
  CHECK(server.requests() == 2);
  // Content-addressed: <cache>/<2 hex>/<SHA-256 of the URL>, holding the bytes as served.
  media::MediaCache entries(cache);
  const std::string key = media::MediaCache::key(red_url);
  CHECK(key.size() == 64);
  CHECK(entries.path_for(red_url) == cache / key.substr(0, 2) / key);
  CHECK(read_bytes(entries.path_for(red_url)) == png);
  for (const auto& entry : fs::recursive_directory_iterator(cache))
    CHECK(entry.path().filename().string().find(".part-") == std::string::npos);

  StageUnderTest rerun({{"cache", cache.string()}});
  const auto& again = rerun.run(post);
  CHECK(server.requests() == 2);  // nothing asked for: both came from the cache
  REQUIRE(again.images[0]);
  CHECK(again.images[0]->rgba == first_pixels);
  CHECK(rerun.warnings.empty());
}

TEST_CASE("a failed download downgrades its card with a warning naming the post and the URL", "[download]") {
  test::TempDir folder;
  const std::string big =
      read_bytes(make_picture(folder.path(), "big.png", "64x64", "white")) + std::string(200000, '\0');
  test::LoopbackServer server([&](const test::LoopbackRequest& request) {
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (path == "/error") return test::reply_with(500, "oops");
    if (path == "/big") return test::reply_with(200, big);
    if (path == "/bomb.png") return test::reply_with(200, decompression_bomb_png());
    if (path == "/corrupt.jpg")
      return test::reply_with(200, read_bytes(test::stored_fixtures() / "media" / "corrupt.jpg"));
    test::LoopbackReply slow = test::reply_with(200, "late");
    slow.delay = std::chrono::seconds(3);
    return slow;
  });
  StageUnderTest under_test(
      {{"cache", (folder.path() / "cache").string()}, {"timeout", "300ms"}, {"max_bytes", "100000"}});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/error", "the server answered HTTP 500"},
      {"/slow", "no complete answer within 300 ms"},
      {"/big", "larger than max_bytes (100000 bytes)"},
      {"/bomb.png", "30000x30000, more than the limit of 50000000 pixels"},
      {"/corrupt.jpg", "corrupt"},
  };
  std::vector<items::MediaRef> media;
  for (const auto& [path, reason] : cases)
    media.push_back(photo(std::string("k") + path, server.url(path + "?token=SECRET")));
  auto start = std::chrono::steady_clock::now();
  const auto& result = under_test.run(post_with("1234", media));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  REQUIRE(result.images.size() == cases.size());
  REQUIRE(under_test.warnings.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO(under_test.warnings[i]);
    CHECK_FALSE(result.images[i]);
    CHECK_THAT(under_test.warnings[i], Catch::StartsWith(std::string("post 1234: media k") + cases[i].first + " (" +
                                                         server.url(cases[i].first) + "): "));
    CHECK_THAT(under_test.warnings[i],
               Catch::Contains(cases[i].second) && Catch::EndsWith("the card shows a placeholder"));
    CHECK(under_test.warnings[i].find("SECRET") == std::string::npos);
  }
  // Failures are not cached: the next run asks again.
  media::MediaCache entries(folder.path() / "cache");
  CHECK_FALSE(entries.find(server.url("/error?token=SECRET")));
  CHECK_FALSE(entries.find(server.url("/big?token=SECRET")));
}

TEST_CASE("downloads at once never exceed the downloads parameter", "[download]") {
  test::TempDir folder;
  const std::string png = read_bytes(make_picture(folder.path(), "dot.png", "16x16", "green"));
  test::LoopbackServer server([&](const test::LoopbackRequest&) {
    test::LoopbackReply reply = test::reply_with(200, png);
    reply.delay = std::chrono::milliseconds(150);
    return reply;
  });
  StageUnderTest under_test({{"cache", (folder.path() / "cache").string()}, {"downloads", "2"}});
  std::vector<std::thread> threads;
  Collect out;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 2; ++n) {
        std::string id = std::to_string(t * 10 + n);
        under_test.stage->process(
            Item::make(post_with(id, {photo(std::string("k") + id, server.url(std::string("/dot-") + id + ".png"))})),
            out);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(server.requests() == 12);
  CHECK(server.most_at_once() == 2);  // six threads asked at once; two were let through
  REQUIRE(out.items.size() == 12);
  for (const auto& item : out.items) CHECK(item.as<items::MediaPost>().images.at(0));
  CHECK(under_test.warnings.empty());
}

TEST_CASE("avatars are loaded once per author, at the size a card draws them", "[download]") {
  test::TempDir folder;
  const std::string png = read_bytes(make_picture(folder.path(), "avatar.png", "400x400", "orange"));
  test::LoopbackServer server([&](const test::LoopbackRequest& request) {
    return request.target == "/avatar.png" ? test::reply_with(200, png) : test::reply_with(404);
  });
  StageUnderTest under_test({{"cache", (folder.path() / "cache").string()}});
  for (const char* id : {"1", "2", "3"}) {
    items::Post post = post_with(id, {});
    post.author.avatar_url = server.url("/avatar.png");
    const auto& result = under_test.run(post);
    REQUIRE(result.avatar);
    CHECK(result.avatar->width == 108);  // the avatar's diameter on a 1920x1080 card
    CHECK(result.avatar->height == 108);
  }
  CHECK(server.requests() == 1);
  // A missing avatar: one warning, for the first post only; the cards draw the initial.
  for (const char* id : {"4", "5"}) {
    items::Post post = post_with(id, {});
    post.author.avatar_url = server.url("/gone.png?v=2");
    CHECK_FALSE(under_test.run(post).avatar);
  }
  REQUIRE(under_test.warnings.size() == 1);
  CHECK(under_test.warnings[0] == std::string("post 4: avatar of @orbit_daily (") + server.url("/gone.png") +
                                      "): the server answered HTTP 404; the card shows the initial");
}

TEST_CASE("https pictures are verified against ca_file", "[download][tls]") {
  test::TempDir folder;
  auto authority = test::make_test_authority(folder.path());
  auto certificate = test::make_server_certificate(authority, folder.path(), "loopback", "IP:127.0.0.1");
  const std::string png = read_bytes(make_picture(folder.path(), "secure.png", "32x32", "purple"));
  test::LoopbackServer server(
      [&](const test::LoopbackRequest&) { return test::reply_with(200, png); },
      test::LoopbackServer::TlsFiles{certificate.certificate.string(), certificate.private_key.string()});
  items::Post post = post_with("9", {photo("k", server.url("/secure.png"))});
  StageUnderTest trusting(
      {{"cache", (folder.path() / "cache-a").string()}, {"ca_file", authority.certificate.string()}});
  CHECK(trusting.run(post).images.at(0));
  StageUnderTest system_store({{"cache", (folder.path() / "cache-b").string()}});
  CHECK_FALSE(system_store.run(post).images.at(0));
  REQUIRE(system_store.warnings.size() == 1);
  CHECK_THAT(system_store.warnings[0], Catch::Contains("certificate was refused"));
  CHECK_THROWS_WITH(StageUnderTest({{"cache", (folder.path() / "cache-c").string()}, {"ca_file", "/no/such/ca.pem"}}),
                    Catch::Contains("/no/such/ca.pem"));
}

TEST_CASE("the cache keeps to the output folder and sweeps up after crashed writers", "[download][cache]") {
  test::TempDir folder;
  RunContext context;
  context.out_dir = (folder.path() / "out").string();
  CHECK_THROWS_WITH(StageUnderTest({{"cache", (folder.path() / "elsewhere").string()}}, context),
                    Catch::Contains("outside the output folder"));
  CHECK_THROWS(StageUnderTest({{"cache", context.out_dir + "/../escaped"}}, context));
  CHECK_NOTHROW(StageUnderTest({{"cache", context.out_dir + "/.cache/media"}}, context));
  RunContext slashed = context;  // an output folder not made yet, written with a final slash
  slashed.out_dir = (folder.path() / "new-out").string() + "/";
  CHECK_NOTHROW(StageUnderTest({{"cache", slashed.out_dir + ".cache/media"}}, slashed));
  CHECK_THROWS(StageUnderTest({{"cache", slashed.out_dir}}, slashed));

  // A writer that died (a child that exited) left a temporary file; a live one (this process)
  // is writing another. Only the dead writer's file goes; neither is taken for an entry.
  pid_t child = fork();
  if (child == 0) _exit(0);
  REQUIRE(child > 0);
  waitpid(child, nullptr, 0);
  const fs::path cache = folder.path() / "out" / ".cache" / "media";
  const std::string url = "http://127.0.0.1:9/never.png";
  media::MediaCache entries(cache);
  fs::path final_path = entries.path_for(url);
  fs::create_directories(final_path.parent_path());
  fs::path dead = final_path.string() + std::string(".part-") + std::to_string(child) + "-0";
  fs::path live = final_path.string() + std::string(".part-") + std::to_string(getpid()) + "-7";
  std::ofstream(dead) << "half a picture";
  std::ofstream(live) << "a picture being written";
  CHECK_FALSE(entries.find(url));
  StageUnderTest under_test({{"cache", cache.string()}}, context);
  CHECK_FALSE(fs::exists(dead));
  CHECK(fs::exists(live));

  // A stored entry appears whole under its final name.
  auto stored = entries.store(url, "bytes");
  CHECK(stored == final_path);
  CHECK(entries.find(url) == final_path);
  CHECK(read_bytes(final_path) == "bytes");
}

TEST_CASE("X photos are fetched in the smallest variant that covers their box on the card", "[download][variant]") {
  using media::photo_variant_url;
  CHECK(photo_variant_url("https://pbs.twimg.com/media/Fa1.jpg", 500) ==
        "https://pbs.twimg.com/media/Fa1.jpg?name=small");
  CHECK(photo_variant_url("https://pbs.twimg.com/media/Fa1?format=jpg&name=orig", 680) ==
        "https://pbs.twimg.com/media/Fa1?format=jpg&name=small");
  CHECK(photo_variant_url("https://pbs.twimg.com/media/Fa1?name=large&format=png", 681) ==
        "https://pbs.twimg.com/media/Fa1?format=png&name=medium");
  CHECK(photo_variant_url("https://pbs.twimg.com/media/Fa1.jpg", 2048) ==
        "https://pbs.twimg.com/media/Fa1.jpg?name=large");
  CHECK(photo_variant_url("https://pbs.twimg.com/media/Fa1.jpg", 2049) ==
        "https://pbs.twimg.com/media/Fa1.jpg?name=orig");
  // Other hosts, and what is not a web URL, are left as they are.
  for (const char* url : {"https://cdn.example.test/a.jpg?name=orig", "https://video.twimg.com/x.jpg",
                          "file:///tmp/a.jpg", "media/wide.jpg"})
    CHECK(photo_variant_url(url, 100) == url);

  // On a 1920x1080 card, a post with text puts its photos in a 971x744 column beside it; one
  // without text gives them 1728x744 below the header.
  const Size card{1920, 1080};
  items::Post post = post_with("1", {photo("a", "https://pbs.twimg.com/media/A.jpg")});
  post.media[0].width = 1600;
  post.media[0].height = 900;
  CHECK(media::photo_side_on_card(card, post, 0) == 971);  // medium
  post.text = " \n";
  CHECK(media::photo_side_on_card(card, post, 0) == 1323);              // large
  CHECK(media::photo_side_on_card(Size{3840, 2160}, post, 0) == 1600);  // as large as the photo: orig
  post.text = "four photos";
  post.media.assign(4, post.media[0]);
  CHECK(media::photo_side_on_card(card, post, 3) < 680);  // a quarter of the column: small
  CHECK(media::photo_side_on_card(card, post, 4) == 0);   // the API gives at most 4: not shown
  post.media.resize(1);
  post.media[0].width = post.media[0].height = 0;  // size not declared: the whole cell
  CHECK(media::photo_side_on_card(card, post, 0) == 971);
}

namespace {

std::vector<fs::path> files_in(const fs::path& folder) {
  std::vector<fs::path> files;
  if (fs::exists(folder))
    for (const auto& entry : fs::recursive_directory_iterator(folder))
      if (entry.is_regular_file()) files.push_back(entry.path());
  return files;
}

// Sets the last use of a cache entry (its modification time) to `seconds` after the epoch.
void set_last_use(const fs::path& entry, long seconds) {
  const struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  REQUIRE(utimensat(AT_FDCWD, entry.c_str(), times, 0) == 0);
}

}  // namespace

TEST_CASE("a download the cache cannot keep (file size limit) is a warning; the picture is used from memory",
          "[download][cache][faults]") {
  test::TempDir folder;
  // A test pattern: a few kilobytes of PNG, over the limit below.
  const fs::path made = folder.path() / "noise.png";
  REQUIRE(test::run_command("ffmpeg -v error -y -f lavfi -i testsrc=s=320x200 -frames:v 1 " +
                            test::shell_quote(made.string()))
              .exit_code == 0);
  const std::string png = read_bytes(made);
  REQUIRE(png.size() > 2048);
  test::LoopbackServer server([&](const test::LoopbackRequest&) { return test::reply_with(200, png); });
  const fs::path cache = folder.path() / "cache";
  const std::string url = server.url("/noise.png?token=SECRET");
  StageUnderTest under_test({{"cache", cache.string()}});
  std::optional<items::Image> image;
  {
    test::FileSizeLimit limit(1024);
    const auto& result = under_test.run(post_with("5", {photo("k_noise", url)}));
    REQUIRE(result.images.size() == 1);
    image = result.images[0];
  }
  REQUIRE(image);  // decoded from the bytes in memory
  CHECK(image->width == 320);
  CHECK(image->height == 200);
  REQUIRE(under_test.warnings.size() == 1);
  INFO(under_test.warnings[0]);
  CHECK_THAT(under_test.warnings[0], Catch::Contains("cannot write the media cache file " + cache.string()) &&
                                         Catch::Contains("file size limit exceeded (RLIMIT_FSIZE") &&
                                         Catch::Contains("is used from memory, not kept in the cache"));
  CHECK(under_test.warnings[0].find("SECRET") == std::string::npos);
  // Nothing half-written: no temporary file, no entry.
  CHECK(files_in(cache).empty());
  media::MediaCache entries(cache);
  CHECK_FALSE(entries.find(url));
  // Once there is room, the next run keeps it.
  StageUnderTest rerun({{"cache", cache.string()}});
  REQUIRE(rerun.run(post_with("5", {photo("k_noise", url)})).images[0]);
  CHECK(rerun.warnings.empty());
  CHECK(entries.find(url));
  CHECK(server.requests() == 2);
}

TEST_CASE("media cache write errors name the file and the limit, and leave nothing half-written",
          "[download][cache][faults]") {
  test::TempDir folder;
  media::MediaCache entries(folder.path() / "cache");
  const std::string url = "http://127.0.0.1:9/big.png";
  {
    test::FileSizeLimit limit(1000);
    CHECK_THROWS_WITH(entries.store(url, std::string(5000, 'x')),
                      Catch::Contains("cannot write the media cache file " + entries.path_for(url).string() + ".part-") &&
                          Catch::Contains("file size limit exceeded"));
  }
  CHECK(files_in(folder.path() / "cache").empty());
  // A cache folder under a regular file cannot be made (ENOTDIR): the reason is given.
  std::ofstream(folder.path() / "file") << "x";
  media::MediaCache blocked(folder.path() / "file" / "cache");
  CHECK_THROWS_WITH(blocked.store(url, "bytes"), Catch::Contains("cannot create the media cache folder") &&
                                                     Catch::Contains("not a directory"));
}

TEST_CASE("the cache keeps to cache_max, least recently used out first", "[download][cache][lru]") {
  test::TempDir folder;
  const fs::path cache = folder.path() / "cache";
  media::MediaCache entries(cache, 2500);
  const std::string a = "http://h/a", b = "http://h/b", c = "http://h/c", d = "http://h/d";
  entries.store(a, std::string(1000, 'a'));
  entries.store(b, std::string(1000, 'b'));
  CHECK(entries.bytes_on_disk() == 2000);
  set_last_use(entries.path_for(a), 1000);
  set_last_use(entries.path_for(b), 2000);
  // A hit makes a the most recently used: b is the oldest now.
  REQUIRE(entries.read(a) == std::string(1000, 'a'));
  entries.store(c, std::string(1000, 'c'));  // 3000 > 2500: one goes, the least recently used
  CHECK(entries.find(a));
  CHECK_FALSE(entries.find(b));
  CHECK(entries.find(c));
  CHECK(entries.bytes_on_disk() == 2000);
  // An entry larger than the bound stays (it was just stored); everything older goes.
  entries.store(d, std::string(3000, 'd'));
  CHECK(entries.find(d));
  CHECK_FALSE(entries.find(a));
  CHECK_FALSE(entries.find(c));

  // Temporary files of other writers are neither counted nor evicted.
  fs::path live = entries.path_for(a).string() + ".part-" + std::to_string(getpid()) + "-99";
  std::ofstream(live) << std::string(4000, 't');
  CHECK(entries.bytes_on_disk() == 3000);
  entries.trim();
  CHECK(fs::exists(live));
}

TEST_CASE("processes sharing a bounded cache: an entry evicted by another is a miss, then fetched again",
          "[download][cache][lru]") {
  test::TempDir folder;
  const fs::path cache = folder.path() / "cache";
  // Two caches over one folder stand for two handle processes.
  media::MediaCache first(cache, 1500), second(cache, 1500);
  const std::string a = "http://h/a", b = "http://h/b";
  first.store(a, std::string(1000, 'a'));
  set_last_use(first.path_for(a), 1000);
  second.store(b, std::string(1000, 'b'));  // the other process's store evicts a
  CHECK_FALSE(first.read(a));               // a miss, not an error
  CHECK(first.read(b) == std::string(1000, 'b'));
  first.store(a, std::string(1000, 'a'));  // and this one evicts b, the older
  CHECK_FALSE(second.read(b));
  CHECK(second.read(a));
  // An entry another process removed while this one trims is not an error.
  fs::remove(first.path_for(a));
  CHECK(second.trim().empty());
  CHECK(second.bytes_on_disk() == 0);

  // The stage: a picture evicted by another process is downloaded again, with no warning.
  test::TempDir pictures;
  const std::string png = read_bytes(make_picture(pictures.path(), "dot.png", "16x16", "green"));
  test::LoopbackServer server([&](const test::LoopbackRequest&) { return test::reply_with(200, png); });
  StageUnderTest under_test({{"cache", cache.string()}, {"cache_max", "1"}});
  const std::string url = server.url("/dot.png");
  REQUIRE(under_test.run(post_with("1", {photo("k", url)})).images[0]);
  media::MediaCache other(cache, 1);
  fs::remove(other.path_for(url));  // evicted by another handle's process
  REQUIRE(under_test.run(post_with("2", {photo("k", url)})).images[0]);
  CHECK(server.requests() == 2);
  CHECK(under_test.warnings.empty());
}

TEST_CASE("cache_max is a declared parameter: MiB, 0 for no bound", "[download][cache][lru]") {
  Registry registry;
  register_builtin_stages(registry);
  const StageInfo* info = registry.find("download-media");
  REQUIRE(info);
  auto spec = std::find_if(info->params.begin(), info->params.end(), [](const auto& p) { return p.name == "cache_max"; });
  REQUIRE(spec != info->params.end());
  CHECK(spec->default_value == "1024");
  CHECK(spec->type == ParamType::integer);
  CHECK(spec->min == 0);
}

TEST_CASE("a download in progress stops within a moment when the run is cancelled", "[download][cancel]") {
  test::TempDir folder;
  // Headers at once, then a body that never comes: only the 30 s timeout would end it.
  test::LoopbackServer server([&](const test::LoopbackRequest&) {
    test::LoopbackReply reply = test::reply_with(200, std::string(100000, 'x'));
    reply.pause_after_headers = std::chrono::seconds(20);
    return reply;
  });
  std::atomic<bool> cancel{false};
  RunContext context;
  context.cancelled = [&] { return cancel.load(); };
  StageUnderTest under_test({{"cache", (folder.path() / "cache").string()}, {"timeout", "30s"}}, context);
  std::thread stopper([&] {
    while (server.requests() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // well into the wait for the body
    cancel = true;
  });
  Collect out;
  std::chrono::steady_clock::time_point cancelled_at;
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(under_test.stage->process(Item::make(post_with("9", {photo("k", server.url("/stall.jpg"))})), out),
                    Catch::Contains("stopped"));
  auto end = std::chrono::steady_clock::now();
  stopper.join();
  CHECK(out.items.empty());
  CHECK(under_test.warnings.empty());  // the run is ending: no placeholder warning
  // 200 ms until the flag, then at most a 50 ms poll step and the unwinding.
  CHECK(end - start < std::chrono::milliseconds(1500));
  CHECK(files_in(folder.path() / "cache").empty());
}

namespace {

items::Entity custom_emoji(int start, const std::string& shortcode, const std::string& url) {
  items::Entity emoji;
  emoji.kind = items::EntityKind::custom_emoji;
  emoji.start = start;
  emoji.end = start + static_cast<int>(shortcode.size()) + 2;
  emoji.text = shortcode;
  emoji.image_url = url;
  return emoji;
}

}  // namespace

TEST_CASE("a link card's picture and the text's custom emoji are loaded at the most a card draws them",
          "[download][link][emoji]") {
  test::TempDir folder;
  const std::string thumb = read_bytes(make_picture(folder.path(), "thumb.jpg", "1200x628", "green"));
  const std::string wave = read_bytes(make_picture(folder.path(), "wave.png", "512x512", "yellow"));
  const fs::path heart = make_picture(folder.path(), "heart.png", "32x32", "red");
  test::LoopbackServer server([&](const test::LoopbackRequest& request) {
    if (request.target == "/thumb.jpg") return test::reply_with(200, thumb);
    if (request.target == "/emoji/wave.png") return test::reply_with(200, wave);
    return test::reply_with(404);
  });
  const std::string wave_url = server.url("/emoji/wave.png");
  const std::string heart_url = std::string("file://") + heart.string();
  for (auto [size, portrait] : {std::pair{"1920x1080", false}, std::pair{"1080x1920", true}}) {
    CAPTURE(size);
    StageUnderTest under_test({{"cache", (folder.path() / "cache").string()}, {"size", size}});
    const render::CardMetrics metrics(portrait ? 1080 : 1920, portrait ? 1920 : 1080);
    for (const char* id : {"1", "2"}) {
      items::Post post = post_with(id, {});
      post.text = ":wave: :heart: :wave: :wave:";
      post.entities = {custom_emoji(0, "wave", wave_url), custom_emoji(7, "heart", heart_url),
                       custom_emoji(15, "wave", wave_url), custom_emoji(22, "wave", wave_url)};
      post.link = items::LinkCard{"https://example.com/a", "A title", "", server.url("/thumb.jpg")};
      const auto& result = under_test.run(post);
      // The link's picture: no larger than the card draws it (a square beside the text on wide
      // cards, the card's width on tall ones), its aspect kept.
      REQUIRE(result.link_thumb);
      CHECK(std::max(result.link_thumb->width, result.link_thumb->height) == render::largest_link_thumb_side(metrics));
      CHECK(std::abs(result.link_thumb->width * 628 - result.link_thumb->height * 1200) <= 1200);
      check_colour(*result.link_thumb, 0, 128, 0);
      // Each emoji once, by its URL: over http and from a file, small.
      REQUIRE(result.emoji.size() == 2);
      const items::Image& big = result.emoji.at(wave_url);
      CHECK(big.width == render::largest_inline_image_side(metrics));
      check_colour(big, 255, 255, 0);
      CHECK(result.emoji.at(heart_url).width == 32);  // never scaled up
      check_colour(result.emoji.at(heart_url), 255, 0, 0);
      CHECK(under_test.warnings.empty());
    }
  }
  // Each picture downloaded once: after that from memory (an emoji) or the cache on disk.
  CHECK(server.requests() == 2);
}

TEST_CASE("a link picture or an emoji that cannot be had is a warning; the card goes without it",
          "[download][link][emoji]") {
  test::TempDir folder;
  test::LoopbackServer server([&](const test::LoopbackRequest&) { return test::reply_with(404); });
  StageUnderTest under_test({{"cache", (folder.path() / "cache").string()}});
  for (const char* id : {"5", "6"}) {
    items::Post post = post_with(id, {});
    post.text = ":gone: again :gone:";
    post.entities = {custom_emoji(0, "gone", server.url("/emoji/gone.png")),
                     custom_emoji(13, "gone", server.url("/emoji/gone.png"))};
    post.link = items::LinkCard{"https://example.com/a", "A title", "", server.url("/thumb.jpg?size=large")};
    const auto& result = under_test.run(post);
    CHECK_FALSE(result.link_thumb);
    CHECK(result.emoji.empty());
  }
  // The emoji is asked for once per run and reported once; each post's link picture is its own.
  REQUIRE(under_test.warnings.size() == 3);
  CHECK(under_test.warnings[0] == std::string("post 5: link preview picture (") + server.url("/thumb.jpg") +
                                      "): the server answered HTTP 404; the card shows the link card without it");
  CHECK(under_test.warnings[1] == std::string("post 5: custom emoji :gone: (") + server.url("/emoji/gone.png") +
                                      "): the server answered HTTP 404; the card shows its :gone: text");
  CHECK(under_test.warnings[2].starts_with("post 6: link preview picture"));
}

TEST_CASE("a post with more different custom emoji than a card loads keeps the rest as text, with a warning",
          "[download][emoji]") {
  test::TempDir folder;
  const fs::path dot = make_picture(folder.path(), "dot.png", "8x8", "blue");
  StageUnderTest under_test({{"cache", (folder.path() / "cache").string()}});
  // 150 different emoji (each its own file), the first two used twice.
  items::Post real = post_with("9", {});
  for (int i = 0; i < 152; ++i) {
    const std::string shortcode = std::string("e").append(std::to_string(i % 150));
    const fs::path file = folder.path() / std::string(shortcode).append(".png");
    if (!fs::exists(file)) fs::copy_file(dot, file);
    const int start = static_cast<int>(real.text.size());
    real.text.append(":").append(shortcode).append(":");
    real.entities.push_back(custom_emoji(start, shortcode, std::string("file://").append(file.string())));
  }
  const auto& result = under_test.run(real);
  CHECK(result.emoji.size() == 100);
  REQUIRE(under_test.warnings.size() == 1);
  CHECK(under_test.warnings[0] ==
        "post 9: 50 more custom emoji than the 100 a card loads; the card shows their :shortcode: text");
}
