// What the status server answers to one request (see status_routes.hpp).
#include "status_routes.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <limits>
#include <optional>

#include "run_board.hpp"
#include "status_page.hpp"

namespace pipectl::cli {

namespace beast = boost::beast;
namespace http = beast::http;

void FileRange::open(const char* path, beast::file_mode, beast::error_code& ec) {
  file_.open(path, beast::file_mode::scan, ec);
  if (ec) return;
  first_ = 0;
  length_ = file_.size(ec);
}

void FileRange::narrow(std::uint64_t first, std::uint64_t length, beast::error_code& ec) {
  first_ = first;
  length_ = length;
  file_.seek(first, ec);
}

std::uint64_t FileRange::size(beast::error_code& ec) const {
  ec = {};
  return length_;
}

std::uint64_t FileRange::pos(beast::error_code& ec) {
  std::uint64_t position = file_.pos(ec);
  return position < first_ ? 0 : position - first_;
}

void FileRange::seek(std::uint64_t offset, beast::error_code& ec) { file_.seek(first_ + std::min(offset, length_), ec); }

std::size_t FileRange::read(void* buffer, std::size_t n, beast::error_code& ec) {
  std::uint64_t position = pos(ec);
  if (ec) return 0;
  std::uint64_t left = length_ > position ? length_ - position : 0;
  return file_.read(buffer, static_cast<std::size_t>(std::min<std::uint64_t>(n, left)), ec);
}

std::size_t FileRange::write(const void*, std::size_t, beast::error_code& ec) {
  ec = make_error_code(boost::system::errc::operation_not_supported);
  return 0;
}

namespace {

// A decimal number, saturated at the largest std::uint64_t (a range past any file's end is
// still a range); nothing unless all digits.
std::optional<std::uint64_t> number_in(std::string_view digits) {
  std::uint64_t number = 0;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error == std::errc::result_out_of_range) return std::numeric_limits<std::uint64_t>::max();
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return number;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(),
                    [](char a, char b) { return (a | 0x20) == (b | 0x20); });
}

// "%5F" and the like decoded; nothing for a malformed escape. Handles are looked up in the
// board, never used as a path.
std::optional<std::string> percent_decoded(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    auto [end, error] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (error != std::errc() || end != text.data() + i + 3) return std::nullopt;
    decoded += static_cast<char>(value);
    i += 2;
  }
  return decoded;
}

struct VideoPath {
  std::string handle;
  std::size_t output = 0;
};

// "/videos/<handle>/<n>.mp4", the paths status_json() gives.
std::optional<VideoPath> video_path(std::string_view path) {
  constexpr std::string_view prefix = "/videos/", suffix = ".mp4";
  if (!path.starts_with(prefix) || !path.ends_with(suffix)) return std::nullopt;
  path.remove_prefix(prefix.size());
  path.remove_suffix(suffix.size());
  std::size_t slash = path.find('/');
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
  std::string_view output_text = path.substr(slash + 1);
  auto handle = percent_decoded(path.substr(0, slash));
  auto output = number_in(output_text);
  if (!handle || !output || std::to_string(*output) != output_text) return std::nullopt;  // "0", not "00"
  return VideoPath{std::move(*handle), static_cast<std::size_t>(*output)};
}

TextResponse text(http::status status, std::string body, std::string_view type = "text/plain; charset=utf-8") {
  TextResponse response{status, 11};
  response.set(http::field::content_type, type);
  response.body() = std::move(body);
  return response;
}

StatusResponse video(const std::string& file_path, const StatusRequest& request) {
  beast::error_code ec;
  FileRange file;
  file.open(file_path.c_str(), beast::file_mode::scan, ec);
  std::uint64_t size = ec ? 0 : file.size(ec);
  if (ec) return text(http::status::not_found, "this video is no longer there\n");

  RequestedBytes bytes;
  if (auto range = request.find(http::field::range); range != request.end())
    bytes = requested_bytes(range->value(), size);
  if (bytes.kind == RequestedBytes::unsatisfiable) {
    TextResponse response = text(http::status::range_not_satisfiable, "the video has no such bytes\n");
    response.set(http::field::content_range, std::string("bytes */").append(std::to_string(size)));
    response.set(http::field::accept_ranges, "bytes");
    return response;
  }
  if (bytes.kind == RequestedBytes::whole) bytes.length = size;
  file.narrow(bytes.first, bytes.length, ec);
  VideoResponse response{bytes.kind == RequestedBytes::part ? http::status::partial_content : http::status::ok, 11};
  if (!ec) response.body().reset(std::move(file), ec);
  if (ec) return text(http::status::internal_server_error, std::string("cannot read the video: ").append(ec.message()));
  response.set(http::field::content_type, "video/mp4");
  response.set(http::field::accept_ranges, "bytes");
  if (bytes.kind == RequestedBytes::part)
    response.set(http::field::content_range, std::string("bytes ")
                                                 .append(std::to_string(bytes.first))
                                                 .append("-")
                                                 .append(std::to_string(bytes.first + bytes.length - 1))
                                                 .append("/")
                                                 .append(std::to_string(size)));
  return response;
}

}  // namespace

RequestedBytes requested_bytes(std::string_view range_header, std::uint64_t size) {
  std::string_view spec = trimmed(range_header);
  if (!starts_with_ignoring_case(spec, "bytes=")) return {};
  spec = trimmed(spec.substr(6));
  std::size_t dash = spec.find('-');
  if (spec.find(',') != std::string_view::npos || dash == std::string_view::npos) return {};
  std::string_view first_text = spec.substr(0, dash), last_text = spec.substr(dash + 1);
  RequestedBytes unsatisfiable{RequestedBytes::unsatisfiable};
  if (first_text.empty()) {  // "-n": the last n bytes
    auto suffix = number_in(last_text);
    if (!suffix) return {};
    if (*suffix == 0 || size == 0) return unsatisfiable;
    std::uint64_t length = std::min(*suffix, size);
    return {RequestedBytes::part, size - length, length};
  }
  auto first = number_in(first_text);
  if (!first) return {};
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {  // "a-b"; "a-" goes to the end
    auto given_last = number_in(last_text);
    if (!given_last || *given_last < *first) return {};
    last = std::min(last, *given_last);
  }
  if (*first >= size) return unsatisfiable;
  return {RequestedBytes::part, *first, last - *first + 1};
}

StatusResponse answer(const StatusRequest& request, const RunBoard& board) {
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    TextResponse response = text(http::status::method_not_allowed, "only GET and HEAD\n");
    response.set(http::field::allow, "GET, HEAD");
    return response;
  }
  // Routing looks at the path only: a query string (a cache buster, say) changes nothing.
  std::string_view path = request.target();
  path = path.substr(0, path.find_first_of("?#"));
  if (path == "/") return text(http::status::ok, status_page_html(), "text/html; charset=utf-8");
  if (path == "/status.json") {
    TextResponse response = text(http::status::ok, boost::json::serialize(board.status_json()), "application/json");
    response.set(http::field::cache_control, "no-store");
    return response;
  }
  if (auto wanted = video_path(path))
    if (auto file = board.video_file(wanted->handle, wanted->output)) return video(*file, request);
  return text(http::status::not_found, "not found\n");
}

}  // namespace pipectl::cli
