#include "s3_store.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "backoff.hpp"
#include "digest.hpp"
#include "s3_reply.hpp"

namespace pipectl::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t min_part_size = 5ull << 20;  // S3's minimum for every part but the last
constexpr std::uint64_t max_parts = 10000;           // S3's maximum number of parts
constexpr std::size_t max_reply_bytes = 1 << 20;     // of an answer's body kept (errors and XML are small)
constexpr std::chrono::milliseconds backoff_cap{20000};
constexpr std::chrono::milliseconds longest_retry_after{30000};

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// RFC 3986 percent-encoding with upper-case hex, as SigV4's canonical request has it, so that
// the path curl signs is the path S3 checks. '/' is kept when `keep_slash` (key segments).
std::string percent_encode(std::string_view text, bool keep_slash) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0xF];
    }
  }
  return out;
}

using FilePointer = std::unique_ptr<std::FILE, decltype(&std::fclose)>;

FilePointer open_file(const fs::path& path) {
  FilePointer file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw std::runtime_error("cannot read " + path.string() + ": " + std::generic_category().message(errno));
  return file;
}

// Bytes [offset, offset + length) of a file, as an upload's body.
struct FileRange {
  fs::path path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// The lower-case hex SHA-256 of the file range: x-amz-content-sha256, which lets the server
// check the body it got and which S3-compatible servers insist on.
std::string sha256_of(const FileRange& range) {
  FilePointer file = open_file(range.path);
  if (fseeko(file.get(), static_cast<off_t>(range.offset), SEEK_SET) != 0)
    throw std::runtime_error("cannot read " + range.path.string());
  Sha256 hash;
  std::vector<char> buffer(1 << 16);
  for (std::uint64_t left = range.length; left > 0;) {
    const std::size_t got = std::fread(buffer.data(), 1, std::min<std::uint64_t>(left, buffer.size()), file.get());
    if (got == 0) throw std::runtime_error(range.path.string() + " shrank while it was being uploaded");
    hash.add(buffer.data(), got);
    left -= got;
  }
  return hash.hex();
}

struct Request {
  std::string method;  // GET, HEAD, PUT, POST or DELETE
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::optional<FileRange> file;     // the body of a PUT
  std::string text;                  // the body of a POST
};

struct Reply {
  long status = 0;
  std::string body;
  std::string etag;
  std::string retry_after;
  curl_off_t content_length = -1;
};

// One request's result: a transport failure (code, curl's words) or the server's answer.
struct Outcome {
  CURLcode code = CURLE_OK;
  std::string error;
  Reply reply;
};

// The body of an upload, read from its file as curl sends it (and again from its start when
// curl rewinds).
struct BodyReader {
  std::FILE* file = nullptr;
  FileRange range;
  std::uint64_t sent = 0;
  bool shrank = false;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* reader = static_cast<BodyReader*>(user);
  const std::uint64_t want = std::min<std::uint64_t>(size * count, reader->range.length - reader->sent);
  if (want == 0) return 0;
  const std::size_t got = std::fread(buffer, 1, want, reader->file);
  if (got == 0) {
    reader->shrank = true;
    return CURL_READFUNC_ABORT;
  }
  reader->sent += got;
  return got;
}

int seek_body(void* user, curl_off_t offset, int origin) {
  auto* reader = static_cast<BodyReader*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::uint64_t>(offset) > reader->range.length)
    return CURL_SEEKFUNC_CANTSEEK;
  if (fseeko(reader->file, static_cast<off_t>(reader->range.offset + static_cast<std::uint64_t>(offset)), SEEK_SET) != 0)
    return CURL_SEEKFUNC_FAIL;
  reader->sent = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t bytes = size * count;
  body->append(data, std::min(bytes, max_reply_bytes - std::min(max_reply_bytes, body->size())));
  return bytes;
}

std::string last_header(CURL* handle, const char* name) {
  curl_header* header = nullptr;
  if (curl_easy_header(handle, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK || !header) return {};
  return header->value;
}

// Failures that another attempt may not meet: dropped or refused connections, cut bodies,
// time-outs.
bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

// Answers worth another attempt: server errors, rate limits (429, 503 SlowDown), and S3's 400
// RequestTimeout (the body came too slowly).
bool is_retryable(const Reply& reply) {
  if (reply.status >= 500 || reply.status == 429) return true;
  return reply.status == 400 && xml_element_text(reply.body, "Code").value_or("") == "RequestTimeout";
}

std::string describe(const Reply& reply) {
  std::string summary = s3_error_summary(reply.body);
  return summary.empty() ? "HTTP status " + std::to_string(reply.status)
                         : summary + " (HTTP " + std::to_string(reply.status) + ")";
}

// Request headers for curl, freed with the request.
struct HeaderList {
  curl_slist* list = nullptr;
  HeaderList() = default;
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& line) {
    if (curl_slist* longer = curl_slist_append(list, line.c_str())) list = longer;
  }
};

// XML text with the five special characters escaped (an ETag has quotes).
std::string xml_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

// ---- the store

S3Store::S3Store(S3Location location, S3Settings settings)
    : location_(std::move(location)), settings_(std::move(settings)) {
  init_curl_once();
  if (settings_.max_attempts < 1) settings_.max_attempts = 1;
}

S3Store::~S3Store() = default;

namespace {

// Everything one store needs to make a request; kept out of the header so that it stays free
// of curl.
class Exchange {
 public:
  Exchange(const S3Settings& settings, int& requests) : settings_(settings), requests_(requests) {}

  // The server's answer to `request`, after retrying transport failures and retryable answers.
  // Throws std::runtime_error starting with `subject` when none came, or only failures.
  Reply send(const Request& request, const std::string& subject) {
    const net::Backoff backoff{settings_.backoff_base, backoff_cap, settings_.max_attempts};
    const std::string payload_hash = request.file ? sha256_of(*request.file) : sha256_hex(request.text);
    for (int attempt = 1;; ++attempt) {
      ++requests_;
      Outcome outcome = perform(request, payload_hash);
      std::string failure;
      if (outcome.code != CURLE_OK) {
        failure = outcome.error;
        if (!is_transient(outcome.code)) throw failed(subject, failure, attempt);
      } else if (is_retryable(outcome.reply)) {
        failure = describe(outcome.reply);
      } else {
        return outcome.reply;
      }
      if (!backoff.may_retry(attempt)) throw failed(subject, failure, attempt);
      std::this_thread::sleep_for(wait_after(backoff, attempt, outcome.reply.retry_after));
    }
  }

  // `message` without the secret key or the session token (a server may quote a request).
  std::string without_secrets(std::string message) const {
    for (const std::string* secret : {&settings_.secret_key, &settings_.session_token}) {
      if (secret->empty()) continue;
      for (std::size_t at; (at = message.find(*secret)) != std::string::npos;) message.replace(at, secret->size(), "[secret]");
    }
    return message;
  }

  std::runtime_error failed(const std::string& subject, const std::string& why, int attempts = 1) const {
    return std::runtime_error(without_secrets(subject + ": " + why +
                                              (attempts > 1 ? " (" + std::to_string(attempts) + " attempts)" : "")));
  }

 private:
  std::chrono::milliseconds wait_after(const net::Backoff& backoff, int attempt, const std::string& retry_after) {
    thread_local std::mt19937 random{std::random_device{}()};
    std::chrono::milliseconds wait = backoff.delay(attempt, random);
    // A rate limit that says when to come back is believed, within reason.
    if (!retry_after.empty() && retry_after.size() < 6 &&
        std::all_of(retry_after.begin(), retry_after.end(), [](char c) { return c >= '0' && c <= '9'; }))
      wait = std::max(wait, std::min(longest_retry_after, std::chrono::milliseconds(std::stoi(retry_after) * 1000)));
    return wait;
  }

  Outcome perform(const Request& request, const std::string& payload_hash) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> handle(curl_easy_init(), &curl_easy_cleanup);
    if (!handle) return {CURLE_OUT_OF_MEMORY, "libcurl could not make a handle", {}};
    CURL* curl = handle.get();
    const std::string sigv4 = "aws:amz:" + settings_.region + ":s3";
    char error[CURL_ERROR_SIZE] = {};
    Outcome outcome;
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);  // the path is signed as it is sent
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.access_key.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.secret_key.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<std::int64_t>(settings_.timeout.count(), 15000)));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &outcome.reply.body);

    HeaderList headers;
    headers.add("x-amz-content-sha256: " + payload_hash);
    if (!settings_.session_token.empty()) headers.add("x-amz-security-token: " + settings_.session_token);
    for (const auto& line : request.headers) headers.add(line);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);

    FilePointer file(nullptr, &std::fclose);
    BodyReader reader;
    if (request.method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (request.method == "PUT") {
      file = open_file(request.file->path);
      reader.file = file.get();
      reader.range = *request.file;
      if (fseeko(file.get(), static_cast<off_t>(reader.range.offset), SEEK_SET) != 0)
        return {CURLE_READ_ERROR, "cannot read " + reader.range.path.string(), {}};
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
      curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
      curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, seek_body);
      curl_easy_setopt(curl, CURLOPT_SEEKDATA, &reader);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(reader.range.length));
    } else if (request.method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.text.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.text.size()));
    } else if (request.method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    outcome.code = curl_easy_perform(curl);
    if (reader.shrank) return {CURLE_READ_ERROR, reader.range.path.string() + " shrank while it was being uploaded", {}};
    if (outcome.code != CURLE_OK) {
      outcome.error = error[0] ? std::string(error) : curl_easy_strerror(outcome.code);
      return outcome;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &outcome.reply.status);
    curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &outcome.reply.content_length);
    outcome.reply.etag = last_header(curl, "ETag");
    outcome.reply.retry_after = last_header(curl, "Retry-After");
    return outcome;
  }

  const S3Settings& settings_;
  int& requests_;
};

// Path-style: ENDPOINT/BUCKET/KEY, every key segment percent-encoded.
std::string object_url(const S3Settings& settings, const S3Location& location, const std::string& key) {
  return settings.endpoint + "/" + location.bucket + "/" + percent_encode(key, true);
}

}  // namespace

std::optional<std::uint64_t> S3Store::size_of(const std::string& relative) {
  Exchange exchange(settings_, requests_);
  const std::string subject = "checking " + location_.url_of(relative) + " at " + settings_.endpoint;
  Reply reply = exchange.send({"HEAD", object_url(settings_, location_, location_.key_of(relative)), {}, {}, {}}, subject);
  if (reply.status == 404) return std::nullopt;
  if (reply.status != 200 || reply.content_length < 0)
    throw exchange.failed(subject, describe(reply) + (reply.status == 403 ? " (check the S3 credentials)" : ""));
  return static_cast<std::uint64_t>(reply.content_length);
}

void S3Store::upload(const fs::path& file, const std::string& relative, const std::string& content_type) {
  Exchange exchange(settings_, requests_);
  const std::string subject = "uploading " + file.string() + " to " + location_.url_of(relative) + " at " + settings_.endpoint;
  if (!is_clean_object_name(relative)) throw exchange.failed(subject, "not a relative object name");
  std::error_code error;
  const std::uint64_t size = fs::file_size(file, error);
  if (error) throw exchange.failed(subject, error.message());
  const std::string key = location_.key_of(relative);
  const std::string url = object_url(settings_, location_, key);
  const std::string type_header = "Content-Type: " + (content_type.empty() ? "application/octet-stream" : content_type);

  auto refuse = [&](const Reply& reply, const std::string& step) {
    return exchange.failed(subject, step + describe(reply) + (reply.status == 403 ? " (check the S3 credentials)" : ""));
  };

  if (size <= settings_.multipart_threshold) {
    // S3 keeps nothing of a PUT whose body fell short: no clean-up to do after a failure.
    Reply reply = exchange.send({"PUT", url, {type_header}, FileRange{file, 0, size}, {}}, subject);
    if (reply.status != 200) throw refuse(reply, "");
    return;
  }

  // Multipart: nothing appears under the key until CompleteMultipartUpload.
  Reply created = exchange.send({"POST", url + "?uploads=", {type_header}, {}, {}}, subject + " (starting a multipart upload)");
  const std::string upload_id = xml_element_text(created.body, "UploadId").value_or("");
  if (created.status != 200) throw refuse(created, "starting a multipart upload: ");
  if (upload_id.empty()) throw exchange.failed(subject, "the server's answer to starting a multipart upload has no UploadId");
  const std::string upload_query = "uploadId=" + percent_encode(upload_id, false);

  try {
    // Parts of at least part_size (and 5 MiB), few enough for S3's 10000.
    const std::uint64_t part_size =
        std::max({settings_.part_size, min_part_size, (size + max_parts - 1) / max_parts});
    const std::uint64_t parts = (size + part_size - 1) / part_size;
    std::string manifest = "<CompleteMultipartUpload>";
    for (std::uint64_t number = 1; number <= parts; ++number) {
      const std::uint64_t offset = (number - 1) * part_size;
      const std::string step = " (part " + std::to_string(number) + " of " + std::to_string(parts) + ")";
      Reply reply = exchange.send({"PUT", url + "?partNumber=" + std::to_string(number) + "&" + upload_query, {},
                                   FileRange{file, offset, std::min(part_size, size - offset)}, {}},
                                  subject + step);
      if (reply.status != 200) throw refuse(reply, "part " + std::to_string(number) + ": ");
      if (reply.etag.empty()) throw exchange.failed(subject + step, "the server's answer has no ETag");
      manifest += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + xml_escaped(reply.etag) +
                  "</ETag></Part>";
    }
    manifest += "</CompleteMultipartUpload>";
    Reply reply = exchange.send({"POST", url + "?" + upload_query, {"Content-Type: application/xml"}, {}, manifest},
                                subject + " (completing the multipart upload)");
    // S3 may answer 200 and still fail: the error is then in the body.
    if (reply.status == 200 && s3_error_summary(reply.body).empty()) return;
    // A retried completion whose first try went through finds no upload: the object is there.
    if (xml_element_text(reply.body, "Code").value_or("") == "NoSuchUpload" && size_of(relative) == size) return;
    throw refuse(reply, "completing the multipart upload: ");
  } catch (...) {
    // Best effort: a failed abort leaves parts (not an object) that a bucket lifecycle rule removes.
    try {
      exchange.send({"DELETE", url + "?" + upload_query, {}, {}, {}}, subject + " (aborting the multipart upload)");
    } catch (const std::exception&) {
    }
    throw;
  }
}

}  // namespace pipectl::cli
