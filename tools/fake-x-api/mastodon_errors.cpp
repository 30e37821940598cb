// Builds Mastodon's error bodies with Boost.JSON.
#include "mastodon_errors.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/json.hpp>

namespace fake_x_api {

std::string mastodon_error(std::string_view message) {
  return boost::json::serialize(boost::json::object{{"error", message}});
}

std::string mastodon_status_error(int status) {
  if (status == 429) return mastodon_error("Too many requests");
  if (status == 404) return mastodon_error("Record not found");
  auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  std::string_view text(reason.data(), reason.size());
  return mastodon_error(text.empty() || text == "<unknown-status>" ? std::string_view("Error") : text);
}

}  // namespace fake_x_api
