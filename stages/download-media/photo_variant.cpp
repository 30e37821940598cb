#include "photo_variant.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "card_geometry.hpp"
#include "url.hpp"

namespace pipectl::media {

int photo_side_on_card(const Size& card, const items::Post& post, std::size_t index) {
  if (card.width <= 0 || card.height <= 0 || post.media.empty()) return 0;
  const render::CardMetrics metrics(card.width, card.height);
  const render::Rect area = render::largest_photo_area(metrics, render::has_visible_text(post.text));
  const auto cells = render::photo_grid(area, static_cast<int>(post.media.size()), metrics.photo_gap);
  if (index >= cells.size()) return 0;
  const items::MediaRef& photo = post.media[index];
  const bool known = photo.width > 0 && photo.height > 0;
  const render::Rect drawn = known ? render::fit_rect(photo.width, photo.height, cells[index]) : cells[index];
  int side = std::max(drawn.width, drawn.height);
  if (known) side = std::min(side, std::max(photo.width, photo.height));
  return side;
}

std::string photo_variant_url(const std::string& url, int side) {
  auto parsed = net::parse_url(url);
  if (!parsed || parsed->host != "pbs.twimg.com") return url;
  // X's named sizes fit the photo in a square of this side; orig is the upload itself.
  static constexpr std::array<std::pair<int, const char*>, 3> variants{
      {{680, "small"}, {1200, "medium"}, {2048, "large"}}};
  const char* name = "orig";
  for (const auto& [limit, variant] : variants) {
    if (side <= limit) {
      name = variant;
      break;
    }
  }
  // The query without any name=..., then name=<variant> at its end.
  std::string query;
  std::string_view rest = parsed->query;
  while (!rest.empty()) {
    auto end = rest.find('&');
    std::string_view part = rest.substr(0, end);
    if (!part.empty() && !part.starts_with("name=") && part != "name")
      query.append(query.empty() ? "" : "&").append(part);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  query.append(query.empty() ? "" : "&").append("name=").append(name);
  parsed->query = query;
  return parsed->text();
}

}  // namespace pipectl::media
