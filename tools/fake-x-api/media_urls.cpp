// Walks a stored JSON response and makes its relative media URLs absolute.
#include "media_urls.hpp"

#include <boost/json.hpp>

#include "url_text.hpp"

namespace fake_x_api {

namespace json = boost::json;

namespace {

constexpr std::string_view media_prefix = "media/";

void rewrite(json::value& value, std::string_view handle, std::string_view base) {
  if (value.is_array()) {
    for (auto& element : value.get_array()) rewrite(element, handle, base);
  } else if (value.is_object()) {
    for (auto& member : value.get_object()) rewrite(member.value(), handle, base);
  } else if (value.is_string() && std::string_view(value.get_string()).rfind(media_prefix, 0) == 0) {
    value = media_url(base, handle, value.get_string());
  }
}

}  // namespace

std::string media_url(std::string_view base, std::string_view handle, std::string_view relative) {
  if (relative.rfind(media_prefix, 0) == 0) relative.remove_prefix(media_prefix.size());
  return std::string(base).append("/media/").append(percent_encode_path(handle)).append("/").append(
      percent_encode_path(relative));
}

std::string with_absolute_media_urls(std::string_view stored_json, std::string_view handle, std::string_view base) {
  json::error_code error;
  json::value document = json::parse(stored_json, error);
  if (error) return std::string(stored_json);
  rewrite(document, handle, base);
  return json::serialize(document);
}

}  // namespace fake_x_api
