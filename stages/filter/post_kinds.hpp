// What kinds a post is, in the words the filter stage's `keep` and `drop` use. A post may be
// of several kinds (a reply with a photo is both "replies" and "media") or of none but one:
// "own" is exactly the posts that are neither a reply, a repost nor a quote.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "items/post.hpp"

namespace pipectl::filter {

enum class PostKind { replies, reposts, quotes, media, own };

// The kinds' names, in the order `pipectl stages` and error messages list them.
inline constexpr std::string_view post_kind_names[] = {"replies", "reposts", "quotes", "media", "own"};

// The kind named `name` (exactly as in post_kind_names), or nothing.
std::optional<PostKind> post_kind_named(std::string_view name);

// "replies, reposts, quotes, media, own": for messages and documentation.
std::string post_kind_list();

// Whether `post` is of `kind`.
//  - A repost is only "reposts" (and "media" when the card shows pictures): the original it is
//    drawn as keeps its own references (a quote, a reply), but those are the original author's
//    doing, not the handle's.
//  - A reply is any post replying to another, the handle's own thread continuations included.
//  - "media": the card shows photos or a video (for a repost drawn as its original, the
//    original's).
bool is_kind(const items::Post& post, PostKind kind);

}  // namespace pipectl::filter
