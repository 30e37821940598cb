// Reads a page's end ids with Boost.JSON and writes the Link header.
#include "mastodon_link.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>

#include "url_text.hpp"

namespace fake_x_api {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 6> carried_parameters = {"exclude_reblogs", "exclude_replies", "limit",
                                                                "only_media",      "pinned",          "tagged"};

std::optional<std::string> status_id(const json::value& status) {
  const json::value* id = status.is_object() ? status.get_object().if_contains("id") : nullptr;
  if (!id || !id->is_string()) return std::nullopt;
  return std::string(id->get_string());
}

std::string page_url(std::string_view base, std::string_view account_id, QueryParameters parameters) {
  std::stable_sort(parameters.begin(), parameters.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string url = std::string(base).append("/api/v1/accounts/").append(percent_encode_component(account_id)).append("/statuses");
  char separator = '?';
  for (const auto& [name, value] : parameters) {
    url.push_back(separator);
    url.append(percent_encode_component(name)).append("=").append(percent_encode_component(value));
    separator = '&';
  }
  return url;
}

}  // namespace

std::optional<PageEnds> page_ends(std::string_view page_json) {
  json::error_code error;
  json::value page = json::parse(page_json, error);
  if (error || !page.is_array() || page.get_array().empty()) return std::nullopt;
  auto first = status_id(page.get_array().front());
  auto last = status_id(page.get_array().back());
  if (!first || !last) return std::nullopt;
  return PageEnds{*first, *last};
}

std::string statuses_link(std::string_view base, std::string_view account_id, const QueryParameters& query,
                          const PageEnds& ends, bool has_next) {
  QueryParameters carried;
  for (auto name : carried_parameters)
    if (auto value = query_value(query, name)) carried.emplace_back(name, *value);
  std::string link;
  if (has_next) {
    QueryParameters next = carried;
    next.emplace_back("max_id", ends.last_id);
    link.append("<").append(page_url(base, account_id, next)).append(">; rel=\"next\", ");
  }
  QueryParameters previous = carried;
  previous.emplace_back("min_id", ends.first_id);
  return link.append("<").append(page_url(base, account_id, previous)).append(">; rel=\"prev\"");
}

}  // namespace fake_x_api
