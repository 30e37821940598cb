// The client's request loop: connections kept per origin, a stale kept-alive connection replaced
// once, redirects followed within their limits. Sockets and TLS are in http_connection.cpp.
#include "http_client.hpp"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <cctype>
#include <optional>
#include <string_view>

#include "http_connection.hpp"
#include "tls_context.hpp"
#include "url.hpp"

namespace pipectl::net {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using detail::Clock;

const char* to_string(HttpErrorKind kind) {
  switch (kind) {
    case HttpErrorKind::bad_url:
      return "bad_url";
    case HttpErrorKind::resolve:
      return "resolve";
    case HttpErrorKind::connect:
      return "connect";
    case HttpErrorKind::tls:
      return "tls";
    case HttpErrorKind::timeout:
      return "timeout";
    case HttpErrorKind::too_large:
      return "too_large";
    case HttpErrorKind::protocol:
      return "protocol";
    case HttpErrorKind::closed:
      return "closed";
    case HttpErrorKind::redirect:
      return "redirect";
    case HttpErrorKind::cancelled:
      return "cancelled";
  }
  return "unknown";
}

bool is_transient(HttpErrorKind kind) {
  return kind == HttpErrorKind::resolve || kind == HttpErrorKind::connect || kind == HttpErrorKind::timeout ||
         kind == HttpErrorKind::closed;
}

namespace {

std::string error_message(const std::string& url, const std::string& detail) {
  std::string message = "GET ";
  return message.append(url).append(": ").append(detail);
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Bytes that would end a header line early, or a name that is not an HTTP token.
void check_header(const std::string& name, const std::string& value) {
  auto token = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  };
  if (name.empty() || !std::all_of(name.begin(), name.end(), token))
    throw std::invalid_argument(std::string("HTTP header name '").append(name).append("' is not a valid token"));
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    throw std::invalid_argument(
        std::string("the value of HTTP header ").append(name).append(" holds a line break or NUL"));
}

}  // namespace

HttpError::HttpError(HttpErrorKind kind_, const std::string& url_for_messages, const std::string& detail)
    : std::runtime_error(error_message(url_for_messages, detail)), kind(kind_), detail_(detail) {}

struct HttpClient::Impl {
  HttpOptions options;
  asio::io_context io{1};
  std::optional<asio::ssl::context> tls;
  // Idle connections, by origin (scheme://host:port), ready for the next request there.
  std::map<std::string, std::unique_ptr<detail::Connection>> idle;

  // One request, no redirects.
  HttpResponse fetch(const Url& url, const std::vector<std::pair<std::string, std::string>>& headers) {
    const std::string shown = url_for_messages(url.text());
    detail::Request request{http::verb::get, url.target(), 11};
    request.set(http::field::host, url.authority());
    request.set(http::field::user_agent, options.user_agent);
    request.set(http::field::accept, "*/*");
    for (const auto& [name, value] : headers) request.set(name, value);

    const std::string key = url.scheme + "://" + url.host + ":" + std::to_string(url.port);
    std::unique_ptr<detail::Connection> connection;
    if (auto kept = idle.find(key); kept != idle.end()) {
      connection = std::move(kept->second);
      idle.erase(kept);
      try {
        return finish(key, std::move(connection), request, shown);
      } catch (const detail::StaleConnection&) {
        // The server closed it while it was idle; the request never reached it. Once more, anew.
      }
    }
    connection = open(url, shown);
    try {
      return finish(key, std::move(connection), request, shown);
    } catch (const detail::StaleConnection&) {
      throw HttpError(HttpErrorKind::closed, shown, "the connection closed before an answer");
    }
  }

  std::unique_ptr<detail::Connection> open(const Url& url, const std::string& shown) {
    if (url.scheme == "https" && !tls) throw HttpError(HttpErrorKind::tls, shown, "no TLS context");
    auto connection = std::make_unique<detail::Connection>(io, url.scheme == "https" ? &*tls : nullptr);
    connection->open(url, Clock::now() + options.connect_timeout, options, shown);
    return connection;
  }

  HttpResponse finish(const std::string& key, std::unique_ptr<detail::Connection> connection,
                      const detail::Request& request, const std::string& shown) {
    HttpResponse response = connection->exchange(request, Clock::now() + options.read_timeout, options, shown);
    if (connection->reusable()) idle[key] = std::move(connection);
    return response;
  }
};

HttpClient::HttpClient(HttpOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  try {
    impl_->tls.emplace(detail::make_tls_context(impl_->options.ca_file));
  } catch (const std::exception& error) {
    throw HttpError(HttpErrorKind::tls, "(any https URL)", error.what());
  }
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

const HttpOptions& HttpClient::options() const { return impl_->options; }

HttpResponse HttpClient::get(const std::string& text, const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) check_header(name, value);
  auto parsed = parse_url(text);
  if (!parsed)
    throw HttpError(HttpErrorKind::bad_url, url_for_messages(text),
                    "not an http(s) URL this client can send (no user:password@, spaces or control characters)");
  Url url = *parsed;
  auto forwarded = headers;
  // Redirect errors name the URL the caller asked for; other errors the one that failed.
  const std::string asked = url_for_messages(text);
  for (int redirects = 0;; ++redirects) {
    HttpResponse response = impl_->fetch(url, forwarded);
    response.url = url.text();
    auto location = response.headers.find("location");
    if (!is_redirect(response.status) || location == response.headers.end() || impl_->options.max_redirects <= 0)
      return response;
    if (redirects >= impl_->options.max_redirects)
      throw HttpError(
          HttpErrorKind::redirect, asked,
          std::string("more than ").append(std::to_string(impl_->options.max_redirects)).append(" redirects"));
    auto next = resolve_location(url, location->second);
    if (!next)
      throw HttpError(
          HttpErrorKind::redirect, asked,
          std::string("redirected to ").append(url_for_messages(location->second)).append(", not an http(s) URL"));
    if (url.scheme == "https" && next->scheme == "http")
      throw HttpError(
          HttpErrorKind::redirect, asked,
          std::string("refused a redirect from https to http (").append(url_for_messages(next->text())).append(")"));
    // Credentials stay with the origin they were given for.
    if (next->origin() != url.origin()) forwarded.clear();
    url = *next;
  }
}

}  // namespace pipectl::net
