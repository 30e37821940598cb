// S3 outputs (tools/pipectl/s3_store) against a real S3-compatible server: s3rver started on
// loopback by the test (support/s3_server), no mocks. What the store uploads is read back with
// the real curl command line (its own SigV4). Faults come from a proxy of the test's own
// (support/cutting_proxy) that drops uploads half-way: retried uploads end whole, and uploads
// that never get through leave no object under their key (multipart ones aborted).
#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <random>
#include <sstream>

#include "s3_reply.hpp"
#include "s3_store.hpp"
#include "support/cutting_proxy.hpp"
#include "support/paths.hpp"
#include "support/s3_server.hpp"
#include "support/skip.hpp"

using namespace pipectl;
using cli::S3Location;
using cli::S3Settings;
using cli::S3Store;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t mib = 1 << 20;
// A secret no message may show (the tests look for it in every error).
const std::string distinctive_secret = "sEcReT-7f3a9c1d-do-not-print";
const std::string distinctive_token = "ToKeN-52be0e1a-do-not-print";

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random() & 0xff);
  return bytes;
}

fs::path write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

S3Location location(const std::string& bucket, const std::string& prefix) { return S3Location{bucket, prefix}; }

// An s3rver of the test's own in a temporary folder, and settings for it (quick retries).
struct Server {
  test::TempDir folder{"pipectl-s3"};
  test::S3Server s3{folder.path() / "s3rver"};

  S3Settings settings(const std::string& endpoint = {}) const {
    auto environment = s3.environment();
    if (!endpoint.empty()) environment["AWS_ENDPOINT_URL"] = endpoint;
    std::string problem;
    auto settings = cli::s3_settings_from(environment, problem);
    REQUIRE(settings);
    settings->backoff_base = std::chrono::milliseconds(5);
    return *settings;
  }
  S3Location where(const std::string& prefix = "videos") const { return location(s3.bucket(), prefix); }
  fs::path file(const std::string& name) const { return folder.path() / name; }

  // The object's bytes as the real curl command gets them (`encoded_key` percent-encoded by
  // hand). s3rver wants the payload hash header even on a GET (scale-out.md).
  std::string fetched_with_curl(const std::string& encoded_key, const std::string& extra = "") const {
    const fs::path out = folder.path() / "fetched";
    fs::remove(out);
    auto result = test::run_command("curl -sS --fail --aws-sigv4 aws:amz:us-east-1:s3 --user S3RVER:S3RVER "
                                    "-H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' " + extra + " -o " +
                                    test::shell_quote(out.string()) + " " +
                                    test::shell_quote(s3.endpoint() + "/" + s3.bucket() + "/" + encoded_key));
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    return read_file(out);
  }
};

// Starts a server, or says why the test is skipped.
std::unique_ptr<Server> start_server() {
  std::string why;
  if (!test::S3Server::available(why)) {
    test::skip(why);
    return nullptr;
  }
  if (test::run_command("command -v curl").exit_code != 0) {
    test::skip("the curl command is not installed (tools/setup installs it)");
    return nullptr;
  }
  auto server = std::make_unique<Server>();
  return server;
}

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  FAIL("no exception");
  return {};
}

std::size_t count_lines_starting(const std::vector<std::string>& lines, const std::string& start) {
  return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](auto& line) { return line.starts_with(start); }));
}


// ---- An independent check of libcurl's SigV4 (s3rver checks the key id, not signatures):
// the signature a request head should carry, computed from the head as AWS documents it.

std::string hex(const unsigned char* bytes, std::size_t size) {
  std::string out;
  char pair[3];
  for (std::size_t i = 0; i < size; ++i) out += (std::snprintf(pair, sizeof pair, "%02x", bytes[i]), pair);
  return out;
}

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  return hex(digest, size);
}

std::string hmac(const std::string& key, const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(text.data()),
       text.size(), digest, &size);
  return std::string(reinterpret_cast<char*>(digest), size);
}

std::string between(const std::string& text, const std::string& start, const std::string& end) {
  const std::size_t at = text.find(start);
  if (at == std::string::npos) return {};
  return text.substr(at + start.size(), text.find(end, at + start.size()) - at - start.size());
}

// {expected, sent} signatures of a request head (as support/cutting_proxy keeps it).
std::pair<std::string, std::string> signatures(const std::string& head, const std::string& secret) {
  std::istringstream lines(head);
  std::string method, target, line;
  lines >> method >> target;
  std::getline(lines, line);
  std::map<std::string, std::string> headers;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string name = line.substr(0, line.find(':'));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(line.find(':') + 1);
    value.erase(0, value.find_first_not_of(' '));
    headers[name] = value;
  }
  const std::string authorization = headers["authorization"];
  const std::string scope = between(authorization, "Credential=", ",");  // KEY/DATE/REGION/s3/aws4_request
  const std::string signed_names = between(authorization, "SignedHeaders=", ",");
  std::vector<std::string> query;
  std::istringstream parameters(target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1));
  for (std::string parameter; std::getline(parameters, parameter, '&');)
    query.push_back(parameter.find('=') == std::string::npos ? parameter + "=" : parameter);
  std::sort(query.begin(), query.end());
  std::string canonical = method + "\n" + target.substr(0, target.find('?')) + "\n";
  for (std::size_t i = 0; i < query.size(); ++i) canonical += (i ? "&" : "") + query[i];
  canonical += "\n";
  std::istringstream names(signed_names);
  for (std::string name; std::getline(names, name, ';');) canonical += name + ":" + headers[name] + "\n";
  canonical += "\n" + signed_names + "\n" + headers["x-amz-content-sha256"];
  const std::string credential_scope = scope.substr(scope.find('/') + 1);
  std::vector<std::string> parts;
  std::istringstream scope_parts(credential_scope);
  for (std::string part; std::getline(scope_parts, part, '/');) parts.push_back(part);
  REQUIRE(parts.size() == 4);
  std::string key = "AWS4" + secret;
  for (const auto& part : parts) key = hmac(key, part);
  const std::string to_sign = "AWS4-HMAC-SHA256\n" + headers["x-amz-date"] + "\n" + credential_scope + "\n" + sha256_hex(canonical);
  const std::string expected = hmac(key, to_sign);
  return {hex(reinterpret_cast<const unsigned char*>(expected.data()), expected.size()),
          authorization.substr(authorization.find("Signature=") + 10)};
}

}  // namespace

TEST_CASE("s3:// URLs name a bucket and a prefix", "[s3]") {
  std::string problem;
  CHECK(cli::is_s3_url("s3://bucket"));
  CHECK_FALSE(cli::is_s3_url("/tmp/out"));
  CHECK_FALSE(cli::is_s3_url("S3:/bucket"));

  auto bare = cli::parse_s3_url("s3://my-bucket", problem);
  REQUIRE(bare);
  CHECK(bare->bucket == "my-bucket");
  CHECK(bare->prefix.empty());
  CHECK(bare->key_of("a.mp4") == "a.mp4");
  CHECK(bare->url_of("a.mp4") == "s3://my-bucket/a.mp4");

  auto nested = cli::parse_s3_url("s3://my.bucket-2/daily/2024/", problem);
  REQUIRE(nested);
  CHECK(nested->bucket == "my.bucket-2");
  CHECK(nested->prefix == "daily/2024");
  CHECK(nested->key_of("alice/a.mp4") == "daily/2024/alice/a.mp4");
  CHECK(nested->url_of("alice/a.mp4") == "s3://my.bucket-2/daily/2024/alice/a.mp4");

  const std::pair<std::string, std::string> bad[] = {
      {"https://bucket/x", "s3://BUCKET"},
      {"s3://", "no bucket name"},
      {"s3:///videos", "no bucket name"},
      {"s3://Upper_Case/x", "'Upper_Case' in s3://Upper_Case/x is not a bucket name"},
      {"s3://ab", "'ab' in s3://ab is not a bucket name"},
      {"s3://-bucket", "is not a bucket name"},
      {"s3://bucket/a//b", "an empty, '.' or '..' part"},
      {"s3://bucket/../b", "an empty, '.' or '..' part"},
      {"s3://bucket/a/\nb", "control character"},
  };
  for (const auto& [url, expected] : bad) {
    INFO(url);
    problem.clear();
    CHECK_FALSE(cli::parse_s3_url(url, problem));
    CHECK_THAT(problem, Catch::Contains(expected));
  }
}

TEST_CASE("S3 settings come from the AWS_* variables, and never show the secret", "[s3]") {
  std::map<std::string, std::string> environment = {
      {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", distinctive_secret},
      {"AWS_SESSION_TOKEN", distinctive_token}, {"AWS_REGION", "eu-west-3"},
      {"AWS_ENDPOINT_URL", "http://127.0.0.1:9000/"}};
  std::string problem;
  auto settings = cli::s3_settings_from(environment, problem);
  REQUIRE(settings);
  CHECK(settings->endpoint == "http://127.0.0.1:9000");
  CHECK(settings->region == "eu-west-3");
  CHECK(settings->access_key == "AKIDEXAMPLE");
  CHECK(settings->secret_key == distinctive_secret);
  CHECK(settings->session_token == distinctive_token);

  SECTION("defaults: AWS_DEFAULT_REGION, then us-east-1; AWS's own endpoint") {
    environment.erase("AWS_ENDPOINT_URL");
    environment.erase("AWS_REGION");
    environment["AWS_DEFAULT_REGION"] = "ap-south-1";
    CHECK(cli::s3_settings_from(environment, problem)->endpoint == "https://s3.ap-south-1.amazonaws.com");
    environment.erase("AWS_DEFAULT_REGION");
    settings = cli::s3_settings_from(environment, problem);
    CHECK(settings->region == "us-east-1");
    CHECK(settings->endpoint == "https://s3.us-east-1.amazonaws.com");
    environment["AWS_ENDPOINT_URL_S3"] = "https://s3.example.net";
    CHECK(cli::s3_settings_from(environment, problem)->endpoint == "https://s3.example.net");
  }
  SECTION("a missing variable is named, never a value") {
    for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}) {
      auto without = environment;
      without.erase(name);
      problem.clear();
      CHECK_FALSE(cli::s3_settings_from(without, problem));
      CHECK_THAT(problem, Catch::StartsWith(std::string(name) + " is not set"));
      CHECK_THAT(problem, !Catch::Contains(distinctive_secret) && !Catch::Contains(distinctive_token));
    }
  }
  SECTION("bad values are refused without showing the secret") {
    for (auto [name, value] : {std::pair<std::string, std::string>{"AWS_REGION", "us:east"},
                               {"AWS_ENDPOINT_URL", "ftp://host"},
                               {"AWS_ENDPOINT_URL", "https://user:" + distinctive_secret + "@host"}}) {
      auto changed = environment;
      changed[name] = value;
      problem.clear();
      CHECK_FALSE(cli::s3_settings_from(changed, problem));
      CHECK_THAT(problem, Catch::Contains(name.substr(0, 10)));
      CHECK_THAT(problem, !Catch::Contains(distinctive_secret));
    }
  }
  SECTION("the process's environment") {
    CHECK(cli::process_environment_map().count("PATH") == 1);
  }
}

TEST_CASE("S3 error documents are read for their code and message", "[s3]") {
  CHECK(cli::xml_element_text("<?xml version=\"1.0\"?><InitiateMultipartUploadResult xmlns=\"x\"><Bucket>b</Bucket>"
                              "<UploadId>a&amp;b&#x2F;&#47;c</UploadId></InitiateMultipartUploadResult>",
                              "UploadId") == "a&b//c");
  CHECK_FALSE(cli::xml_element_text("<UploadIdX>1</UploadIdX>", "UploadId"));
  CHECK_FALSE(cli::xml_element_text("<UploadId>unclosed", "UploadId"));
  CHECK(cli::xml_element_text("<UploadId/>", "UploadId") == "");
  CHECK(cli::s3_error_summary("<Error><Code>NoSuchBucket</Code><Message>The specified bucket\ndoes not exist</Message>"
                              "</Error>") == "NoSuchBucket: The specified bucket does not exist");
  CHECK(cli::s3_error_summary("<html>Bad gateway</html>").empty());
  CHECK(cli::s3_error_summary("<Error><Code>X</Code><Message>" + std::string(2000, 'm') + "</Message></Error>").size() < 500);
}

TEST_CASE("a small file is uploaded in one PUT and reads back the same", "[s3]") {
  auto server = start_server();
  if (!server) return;
  S3Store store(server->where(), server->settings());
  CHECK_FALSE(store.size_of("alice/day 1.mp4"));
  CHECK(store.requests() == 1);

  const std::string bytes = random_bytes(300000, 1);
  store.upload(write_file(server->file("clip.mp4"), bytes), "alice/day 1.mp4", "video/mp4");
  CHECK(store.requests() == 2);
  CHECK(store.size_of("alice/day 1.mp4") == bytes.size());
  CHECK(server->fetched_with_curl("videos/alice/day%201.mp4") == bytes);
  // The content type went with it.
  auto head = test::run_command("curl -sS -I --aws-sigv4 aws:amz:us-east-1:s3 --user S3RVER:S3RVER "
                                "-H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' " +
                                test::shell_quote(server->s3.endpoint() + "/pipectl-test/videos/alice/day%201.mp4"));
  CHECK_THAT(head.output, Catch::Contains("Content-Type: video/mp4", Catch::CaseSensitive::No));

  SECTION("names outside ASCII and empty files") {
    const std::string name = "b\xC3\xBC" "cher/caf\xC3\xA9 & co+1.vtt";
    store.upload(write_file(server->file("subtitles.vtt"), "WEBVTT\n"), name, "text/vtt");
    CHECK(server->fetched_with_curl("videos/b%C3%BCcher/caf%C3%A9%20%26%20co%2B1.vtt") == "WEBVTT\n");
    CHECK(read_file(server->s3.object_file("videos/" + name)) == "WEBVTT\n");
    store.upload(write_file(server->file("empty"), ""), "empty.txt", "text/plain");
    CHECK(store.size_of("empty.txt") == 0u);
  }
  SECTION("a session token goes along (signed) without harm") {
    auto settings = server->settings();
    settings.session_token = distinctive_token;
    S3Store with_token(server->where("tokens"), settings);
    with_token.upload(server->file("clip.mp4"), "a.mp4", "video/mp4");
    CHECK(with_token.size_of("a.mp4") == bytes.size());
  }
  SECTION("a missing file is named") {
    CHECK_THAT(message_of([&] { store.upload(server->file("absent.mp4"), "x.mp4", "video/mp4"); }),
               Catch::Contains("absent.mp4") && Catch::Contains("s3://pipectl-test/videos/x.mp4"));
  }
}

TEST_CASE("a large file goes up in parts and reads back whole", "[s3]") {
  auto server = start_server();
  if (!server) return;
  auto settings = server->settings();
  settings.multipart_threshold = 5 * mib;
  settings.part_size = 5 * mib;
  S3Store store(server->where("big"), settings);
  const std::string bytes = random_bytes(12 * mib + 12345, 2);
  store.upload(write_file(server->file("big.mp4"), bytes), "big.mp4", "video/mp4");
  CHECK(store.requests() == 5);  // create, three parts, complete
  CHECK(store.size_of("big.mp4") == bytes.size());
  CHECK(server->fetched_with_curl("big/big.mp4") == bytes);

  SECTION("exactly the threshold is still one PUT") {
    S3Store single(server->where("big"), settings);
    single.upload(write_file(server->file("edge.mp4"), bytes.substr(0, 5 * mib)), "edge.mp4", "video/mp4");
    CHECK(single.requests() == 1);
    CHECK(server->fetched_with_curl("big/edge.mp4") == bytes.substr(0, 5 * mib));
  }
}

TEST_CASE("uploads dropped half-way are retried and end whole", "[s3][faults]") {
  auto server = start_server();
  if (!server) return;
  test::CuttingProxy proxy(server->s3.port(), 2, 64 * 1024);
  auto settings = server->settings(proxy.endpoint());
  settings.multipart_threshold = 5 * mib;
  settings.part_size = 5 * mib;
  S3Store store(server->where("flaky"), settings);

  SECTION("one PUT") {
    const std::string bytes = random_bytes(2 * mib, 3);
    store.upload(write_file(server->file("a.mp4"), bytes), "a.mp4", "video/mp4");
    CHECK(proxy.cuts_made() == 2);
    CHECK(store.requests() == 3);
    CHECK(count_lines_starting(proxy.request_lines(), "PUT /pipectl-test/flaky/a.mp4 ") == 3);
    CHECK(server->fetched_with_curl("flaky/a.mp4") == bytes);
  }
  SECTION("multipart") {
    const std::string bytes = random_bytes(12 * mib, 4);
    store.upload(write_file(server->file("b.mp4"), bytes), "b.mp4", "video/mp4");
    CHECK(proxy.cuts_made() == 2);
    CHECK(store.requests() == 5 + 2);
    CHECK(count_lines_starting(proxy.request_lines(), "PUT /pipectl-test/flaky/b.mp4?partNumber=1&") == 3);
    CHECK(server->fetched_with_curl("flaky/b.mp4") == bytes);
  }
  SECTION("every request is signed as AWS documents SigV4, a session token and the body's hash included") {
    settings.session_token = distinctive_token;
    S3Store signed_store(server->where("signed"), settings);
    const std::string bytes = random_bytes(11 * mib, 5);
    signed_store.upload(write_file(server->file("c.mp4"), bytes), "c c+\xC3\xA9.mp4", "video/mp4");
    signed_store.upload(write_file(server->file("d.vtt"), "WEBVTT\n"), "d.vtt", "text/vtt");
    const auto heads = proxy.request_heads();
    CHECK(heads.size() == 7 + 1);  // create, three parts (two cut and retried), complete; one PUT
    for (const auto& head : heads) {
      INFO(head);
      CHECK_THAT(head, Catch::Contains("SignedHeaders=") && Catch::Contains("x-amz-security-token") &&
                           Catch::Contains("x-amz-content-sha256"));
      auto [expected, sent] = signatures(head, server->s3.environment().at("AWS_SECRET_ACCESS_KEY"));
      CHECK(sent == expected);
    }
    CHECK_THAT(heads.back(), Catch::Contains("x-amz-content-sha256: " + sha256_hex("WEBVTT\n")));
    CHECK(server->fetched_with_curl("signed/c%20c%2B%C3%A9.mp4") == bytes);
  }
}

TEST_CASE("an upload that never gets through throws and leaves no object", "[s3][faults]") {
  auto server = start_server();
  if (!server) return;
  test::CuttingProxy proxy(server->s3.port(), test::CuttingProxy::always, 64 * 1024);
  auto settings = server->settings(proxy.endpoint());
  settings.multipart_threshold = 5 * mib;
  settings.part_size = 5 * mib;
  settings.max_attempts = 3;
  S3Store store(server->where("lost"), settings);
  S3Store direct(server->where("lost"), server->settings());

  SECTION("one PUT") {
    auto message = message_of([&] { store.upload(write_file(server->file("a.mp4"), random_bytes(mib, 5)), "a.mp4", "video/mp4"); });
    CHECK_THAT(message, Catch::Contains("s3://pipectl-test/lost/a.mp4") && Catch::Contains("(3 attempts)"));
    CHECK(store.requests() == 3);
    CHECK(proxy.cuts_made() == 3);
    CHECK_FALSE(direct.size_of("a.mp4"));
    CHECK_FALSE(fs::exists(server->s3.object_file("lost/a.mp4")));
  }
  SECTION("multipart: aborted") {
    auto message = message_of([&] { store.upload(write_file(server->file("b.mp4"), random_bytes(12 * mib, 6)), "b.mp4", "video/mp4"); });
    CHECK_THAT(message, Catch::Contains("s3://pipectl-test/lost/b.mp4") && Catch::Contains("part 1 of 3"));
    CHECK(store.requests() == 1 + 3 + 1);  // create, part 1 three times, abort
    const auto lines = proxy.request_lines();
    CHECK(count_lines_starting(lines, "POST /pipectl-test/lost/b.mp4?uploads") == 1);
    CHECK(count_lines_starting(lines, "DELETE /pipectl-test/lost/b.mp4?uploadId=") == 1);
    CHECK_FALSE(direct.size_of("b.mp4"));
    CHECK_FALSE(fs::exists(server->s3.object_file("lost/b.mp4")));
  }
}

TEST_CASE("wrong credentials fail at once, naming the object and not the secret", "[s3]") {
  auto server = start_server();
  if (!server) return;
  // s3rver checks the access key id but not SigV4 signatures: an unknown key is what it refuses.
  auto settings = server->settings();
  settings.access_key = "NOT-S3RVER";
  settings.secret_key = distinctive_secret;
  settings.session_token = distinctive_token;
  S3Store store(server->where(), settings);
  auto message = message_of([&] { store.upload(write_file(server->file("a.mp4"), "bytes"), "a.mp4", "video/mp4"); });
  CHECK_THAT(message, Catch::Contains("s3://pipectl-test/videos/a.mp4") && Catch::Contains(server->s3.endpoint()) &&
                          Catch::Contains("InvalidAccessKeyId") && Catch::Contains("HTTP 403") &&
                          Catch::Contains("check the S3 credentials"));
  CHECK_THAT(message, !Catch::Contains(distinctive_secret) && !Catch::Contains(distinctive_token));
  CHECK(store.requests() == 1);  // a 403 is not retried

  auto head = message_of([&] { store.size_of("a.mp4"); });
  CHECK_THAT(head, Catch::Contains("s3://pipectl-test/videos/a.mp4") && Catch::Contains("403"));
  CHECK_THAT(head, !Catch::Contains(distinctive_secret) && !Catch::Contains(distinctive_token));
  CHECK_FALSE(S3Store(server->where(), server->settings()).size_of("a.mp4"));
}
