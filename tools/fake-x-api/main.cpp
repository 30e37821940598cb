// fake-x-api: a fake X API v2, Bluesky AppView and Mastodon server for the live sources'
// tests. Reads its options, the datasets and the faults file, listens, prints "listening on
// URL", and serves until SIGTERM or SIGINT (exit 0). Everything runs on one io_context thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>
#include <optional>

#include "api.hpp"
#include "listener.hpp"
#include "options.hpp"

namespace asio = boost::asio;
using namespace fake_x_api;

namespace {

int serve(const Options& options) {
  Dataset dataset(options.data);
  Faults faults = options.faults ? Faults::load(*options.faults) : Faults();
  RequestLog log = options.log ? RequestLog(*options.log) : RequestLog();
  std::optional<TlsFiles> tls;
  if (options.tls_cert) tls = TlsFiles{*options.tls_cert, *options.tls_key};

  std::optional<Api> api;  // outlives the io_context, whose pending coroutines refer to it
  asio::io_context io(1);
  Listener listener(io, options.bind, options.port, tls);
  api.emplace(dataset, std::move(faults), RateLimits(options.rate_limit, std::chrono::seconds(options.rate_window_seconds)),
              ApiSettings{options.token, listener.base_url()}, log);
  listener.start(*api);

  asio::signal_set stop_signals(io, SIGINT, SIGTERM);
  stop_signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });

  std::cout << "listening on " << listener.base_url() << std::endl;
  std::cerr << "fake-x-api: serving " << dataset.size() << " handles" << (options.token ? ", token required" : "")
            << (options.faults ? std::string(", faults from ").append(options.faults->string()) : std::string())
            << '\n';
  io.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const UsageError& error) {
    std::cerr << "fake-x-api: " << error.what() << '\n';
    return 2;
  }
  if (options.help) {
    std::cout << help_text();
    return 0;
  }
  try {
    return serve(options);
  } catch (const FaultsError& error) {
    std::cerr << "fake-x-api: " << error.what() << '\n';
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "fake-x-api: " << error.what() << '\n';
    return 1;
  }
}
