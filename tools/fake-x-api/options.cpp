// Reads fake-x-api's options; --help's text lives here too, next to what it documents.
#include "options.hpp"

#include <charconv>

namespace fake_x_api {

namespace {

long parse_number(const std::string& option, const std::string& text, long low, long high) {
  long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < low || value > high)
    throw UsageError(std::string(option)
                         .append(" wants a whole number from ")
                         .append(std::to_string(low))
                         .append(" to ")
                         .append(std::to_string(high))
                         .append(", not '")
                         .append(text)
                         .append("'"));
  return value;
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string option = argv[i];
    if (option == "--help" || option == "-h") {
      options.help = true;
      continue;
    }
    // Every other option takes a value: "--port 0" or "--port=0".
    std::string value;
    if (auto equals = option.find('='); option.rfind("--", 0) == 0 && equals != std::string::npos) {
      value = option.substr(equals + 1);
      option.resize(equals);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      throw UsageError(std::string(option).append(" wants a value (see --help)"));
    }
    if (option == "--data") options.data.emplace_back(value);
    else if (option == "--bind") options.bind = value;
    else if (option == "--port") options.port = static_cast<unsigned short>(parse_number(option, value, 0, 65535));
    else if (option == "--token") options.token = value;
    else if (option == "--faults") options.faults = value;
    else if (option == "--rate-limit") options.rate_limit = parse_number(option, value, 1, 1000000000);
    else if (option == "--rate-window") options.rate_window_seconds = parse_number(option, value, 1, 86400);
    else if (option == "--log") options.log = value;
    else if (option == "--tls-cert") options.tls_cert = value;
    else if (option == "--tls-key") options.tls_key = value;
    else throw UsageError(std::string("unknown option '").append(option).append("' (see --help)"));
  }
  if (options.help) return options;
  if (options.data.empty()) throw UsageError("--data DIR is required: a stored dataset to serve (see --help)");
  if (options.tls_cert.has_value() != options.tls_key.has_value())
    throw UsageError("--tls-cert and --tls-key go together");
  if (options.token && options.token->empty()) throw UsageError("--token must not be empty");
  return options;
}

std::string help_text() {
  return R"(Usage: fake-x-api --data DIR [--data DIR ...] [options]

A fake social API server for tests: it answers as the X API v2, as Bluesky's public AppView
and as a Mastodon instance, from stored responses (the layouts pipectl's `fetch source=stored`
reads), with each network's paths, headers and error shapes, and injects faults chosen per
handle. Loopback only by default; no network needed. A handle folder's network is told by its
account file:
  X         DIR/<handle>/user.json, pages/page-1.json, pages/<next_token>.json
  Bluesky   DIR/<handle>/profile.json, feed/page-1.json, feed/<cursor>.json
  Mastodon  DIR/<user@instance>/account.json, statuses/page-1.json, statuses/<max_id>.json
Pictures for all of them under DIR/media/.

Endpoints:
  GET /2/users/by/username/:username        X: the handle's user.json (a not-found error if none)
  GET /2/users/:id/tweets?...               X: page-1.json, or the page pagination_token names
  GET /xrpc/app.bsky.actor.getProfile?actor=A
                                            Bluesky: profile.json of handle or DID A
  GET /xrpc/app.bsky.feed.getAuthorFeed?actor=A&limit=N&cursor=C&filter=F&includePins=B
                                            Bluesky: feed/page-1.json, or the page cursor C names
  GET /api/v1/accounts/lookup?acct=X        Mastodon: account.json of user@instance or user X
  GET /api/v1/accounts/:id/statuses?limit=N&max_id=M...
                                            Mastodon: statuses/page-1.json, or the page max_id
                                            names, with a Link header (rel="next", rel="prev")
  GET /media/<handle>/<file>                a file of DIR/media/ (relative media URLs, "media/x",
                                            in served JSON are rewritten to these absolute URLs)

Options:
  --data DIR            a stored dataset (repeatable; a handle found in two: the first wins)
  --port P              port to listen on (default 0: any free port)
  --bind ADDR           address to listen on (default 127.0.0.1)
  --token T             require "Authorization: Bearer T" on X's /2/ requests (401 otherwise);
                        Bluesky's and Mastodon's public endpoints need none. The token is never
                        printed or logged. Without it, no check.
  --faults FILE         faults per handle, a JSON object (format: tools/fake-x-api/README.md)
  --rate-limit N        requests per window per endpoint before 429 (default 100000)
  --rate-window S       the rate-limit window in seconds (default 900, as X's)
  --log FILE            one JSON line per request: method, path, query, endpoint, handle, status, fault
  --tls-cert FILE       serve HTTPS with this certificate chain (PEM) ...
  --tls-key FILE        ... and this private key (PEM)
  --help                this text

Output: exactly one line on stdout once ready, "listening on http://127.0.0.1:PORT" (https
with TLS); problems go to stderr. It runs until SIGTERM or SIGINT.
Exit codes: 0 stopped by SIGTERM/SIGINT, 1 cannot start (address in use, unreadable
certificate, dataset or log), 2 usage error or a bad faults file.
Environment: none.
)";
}

}  // namespace fake_x_api
