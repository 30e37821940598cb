#include "bluesky_errors.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

namespace pipectl::fetch {

namespace {

bool contains_folded(std::string_view text, std::string_view part) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  return std::search(text.begin(), text.end(), part.begin(), part.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

}  // namespace

std::optional<XrpcError> read_xrpc_error(std::string_view body) {
  boost::system::error_code failed;
  boost::json::value document = boost::json::parse(body, failed);
  if (failed || !document.is_object()) return std::nullopt;
  return read_xrpc_error(document.get_object());
}

std::optional<XrpcError> read_xrpc_error(const boost::json::object& body) {
  const boost::json::value* error = body.if_contains("error");
  if (!error || !error->is_string() || error->get_string().empty()) return std::nullopt;
  XrpcError result;
  result.error = std::string(error->get_string());
  if (const boost::json::value* message = body.if_contains("message"); message && message->is_string())
    result.message = std::string(message->get_string());
  return result;
}

std::string xrpc_error_text(const XrpcError& error, const std::string& handle) {
  const std::string quoted = std::string("'").append(handle).append("'");
  std::string sentence;
  if (error.error == "AccountTakedown") {
    sentence = std::string("the Bluesky account ").append(quoted).append(" has been taken down");
  } else if (error.error == "AccountDeactivated") {
    sentence = std::string("the Bluesky account ").append(quoted).append(" is deactivated");
  } else if (error.error == "BlockedActor" || error.error == "BlockedByActor") {
    sentence = std::string("Bluesky does not show ").append(quoted).append("'s posts: a block stands between the accounts");
  } else if (error.error == "InvalidRequest" &&
             (contains_folded(error.message, "not found") || contains_folded(error.message, "unable to resolve"))) {
    // The AppView's answer for a handle that names no account ("Profile not found").
    sentence = std::string("no Bluesky account has the handle ").append(quoted);
  } else {
    sentence = std::string("Bluesky refused to serve ").append(quoted);
  }
  sentence.append(" (").append(error.error);
  if (!error.message.empty()) sentence.append(": ").append(error.message);
  return sentence.append(")");
}

}  // namespace pipectl::fetch
