// Stored responses name their pictures relative to the dataset ("media/x.jpg"); served ones
// must name them as the real API does, with absolute URLs. This rewrites them to the server's
// own /media/<handle>/x.jpg, so a picture request tells which handle's faults apply.
#pragma once

#include <string>
#include <string_view>

namespace fake_x_api {

// `base` is "http://127.0.0.1:PORT" (no trailing slash). Rewrites every string value that
// starts with "media/", anywhere in the document and under any key (X's url, Bluesky's avatar
// and fullsize, Mastodon's preview_url, a custom emoji's static_url ...), and returns it as
// compact JSON (as the APIs send it). A document that does not parse is returned unchanged: it
// is what was stored (a broken-input fixture).
std::string with_absolute_media_urls(std::string_view stored_json, std::string_view handle, std::string_view base);

// The absolute URL of `relative` ("media/x.jpg") for `handle`.
std::string media_url(std::string_view base, std::string_view handle, std::string_view relative);

}  // namespace fake_x_api
