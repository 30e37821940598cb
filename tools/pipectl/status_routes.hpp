// What the status server answers to one request: the page, /status.json, a finished video
// (whole or one byte range), or an error. No networking here: status_server.cpp reads the
// requests and sends these answers.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/file.hpp>
#include <boost/beast/http/basic_file_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <string_view>
#include <variant>

namespace pipectl::cli {

class RunBoard;

// A byte range of a file, as a Beast File: http::basic_file_body<FileRange> sends the bytes
// [first, first + length) only. Beast 1.81's file_body always sends the whole file, and a
// browser's video player asks for ranges.
class FileRange {
 public:
  bool is_open() const { return file_.is_open(); }
  void close(boost::beast::error_code& ec) { file_.close(ec); }
  // Opens the whole file (read only: mode is ignored).
  void open(const char* path, boost::beast::file_mode mode, boost::beast::error_code& ec);
  // From here on the file is its bytes [first, first + length), read from the start.
  void narrow(std::uint64_t first, std::uint64_t length, boost::beast::error_code& ec);
  std::uint64_t size(boost::beast::error_code& ec) const;
  std::uint64_t pos(boost::beast::error_code& ec);
  void seek(std::uint64_t offset, boost::beast::error_code& ec);
  std::size_t read(void* buffer, std::size_t n, boost::beast::error_code& ec);
  // Refused (operation not supported): videos are only read.
  std::size_t write(const void* buffer, std::size_t n, boost::beast::error_code& ec);

 private:
  boost::beast::file file_;
  std::uint64_t first_ = 0;
  std::uint64_t length_ = 0;
};

using StatusRequest = boost::beast::http::request<boost::beast::http::string_body>;
using TextResponse = boost::beast::http::response<boost::beast::http::string_body>;
using VideoResponse = boost::beast::http::response<boost::beast::http::basic_file_body<FileRange>>;
using StatusResponse = std::variant<TextResponse, VideoResponse>;

// The answer to a request, with its status, type and body; the server adds the version,
// Server, keep-alive and length headers. Only files the board names are ever opened.
StatusResponse answer(const StatusRequest& request, const RunBoard& board);

// The part of a file of `size` bytes that a `Range:` header asks for (RFC 9110 14.1.2):
// everything (no header, another unit, several ranges or a malformed one: all ignored, which
// the RFC allows), one range, or nothing the file has (416).
struct RequestedBytes {
  enum Kind { whole, part, unsatisfiable } kind = whole;
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};
RequestedBytes requested_bytes(std::string_view range_header, std::uint64_t size);

}  // namespace pipectl::cli
