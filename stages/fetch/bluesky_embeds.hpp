// What a Bluesky post embeds, from the AppView's hydrated form (`postView.embed`, the `#view`
// types; the record's own `embed` holds only blob references): pictures, a video by its
// thumbnail, a link card, a quoted post, or a quote with media. Also the profile views that
// name authors, which the embeds and the feed share.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "items/post.hpp"
#include "problems.hpp"

namespace pipectl::fetch {

// app.bsky.actor.defs#profileViewBasic (or #profileViewDetailed): id = did, username = handle,
// name = displayName (empty when absent), avatar_url = avatar. Throws FieldError without a
// did or a handle.
items::Author bluesky_author(const boost::json::object& profile);

// Adds what `embed` shows to `post`:
//   images#view            MediaRef "photo" per image: url = fullsize, alt, aspectRatio
//   gallery#view           the same for each of its images
//   video#view             MediaRef "video" ("animated_gif" when presented as a GIF): url = thumbnail
//   external#view          Post::link: uri, title, description, thumb
//   record#view            a "quoted" ReferencedPost: the post's uri, text and author; a post
//                          not found, blocked or detached is a quote with neither (drawn as
//                          an unavailable post); a quoted feed, list, labeler or starter pack
//                          is not a post and is left out
//   recordWithMedia#view   the quote and its media (images, video, gallery or external)
// An embed of another type, or one that cannot be read, is noted (problem::bad_media or
// bad_reference) and left out; the post keeps the rest.
void read_embed_view(const boost::json::value& embed, items::Post& post, PostProblems& problems);

}  // namespace pipectl::fetch
