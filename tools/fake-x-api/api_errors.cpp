// Builds the X API's error payloads with Boost.JSON, so that any text in them is escaped.
#include "api_errors.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/json.hpp>

namespace fake_x_api {

namespace json = boost::json;

namespace {

constexpr const char* not_found_type = "https://api.twitter.com/2/problems/resource-not-found";

std::string user_not_found(std::string_view parameter, std::string_view value, std::string_view detail) {
  json::object error{{"value", value},
                     {"detail", detail},
                     {"title", "Not Found Error"},
                     {"resource_type", "user"},
                     {"parameter", parameter},
                     {"resource_id", value},
                     {"type", not_found_type}};
  return json::serialize(json::object{{"errors", json::array{std::move(error)}}});
}

}  // namespace

std::string unauthorized_problem() {
  return json::serialize(json::object{{"title", "Unauthorized"}, {"type", "about:blank"}, {"status", 401}, {"detail", "Unauthorized"}});
}

std::string status_problem(int status) {
  auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  std::string_view text(reason.data(), reason.size());
  return json::serialize(json::object{{"title", text}, {"detail", text}, {"type", "about:blank"}, {"status", status}});
}

std::string username_not_found(std::string_view username) {
  return user_not_found("username", username,
                        std::string("Could not find user with username: [").append(username).append("]."));
}

std::string user_id_not_found(std::string_view id) {
  return user_not_found("id", id, std::string("Could not find user with id: [").append(id).append("]."));
}

std::string invalid_parameter(std::string_view name, std::string_view value, std::string_view message) {
  json::object parameters{{name, json::array{json::string(value)}}};
  json::object error{{"parameters", std::move(parameters)}, {"message", message}};
  return json::serialize(json::object{{"errors", json::array{std::move(error)}},
                                      {"title", "Invalid Request"},
                                      {"detail", "One or more parameters to your request was invalid."},
                                      {"type", "https://api.twitter.com/2/problems/invalid-request"}});
}

std::string no_such_page() {
  return json::serialize(
      json::object{{"errors", json::array{json::object{{"message", "Sorry, that page does not exist"}, {"code", 34}}}}});
}

}  // namespace fake_x_api
