#include "bluesky_embeds.hpp"

#include <algorithm>
#include <string_view>

#include "json_reader.hpp"

namespace pipectl::fetch {

namespace json = boost::json;
using items::MediaRef;

namespace {

// Unions tell their members apart by "$type" (an NSID, then "#def"); "" when it has none.
std::string type_of(const json::object& object) {
  const json::value* type = object.if_contains("$type");
  return type && type->is_string() ? std::string(type->get_string()) : std::string();
}

void read_aspect_ratio(const json::object& view, MediaRef& media) {
  if (const json::object* ratio = optional_object(view, "aspectRatio")) {
    // A ratio, not pixels (the lexicon: "may be approximate"); the card needs only its shape.
    media.width = static_cast<int>(std::clamp<std::int64_t>(optional_integer(*ratio, "width"), 0, 1 << 20));
    media.height = static_cast<int>(std::clamp<std::int64_t>(optional_integer(*ratio, "height"), 0, 1 << 20));
  }
}

// images#view's and gallery#view's pictures, in their order.
void read_images(const json::object& view, const char* list, items::Post& post, PostProblems& problems) {
  const json::array* images = optional_array(view, list);
  if (!images) throw FieldError(std::string("it has no ") + list);
  for (const auto& entry : *images) {
    try {
      const json::object& image = as_object(entry, std::string("an entry of ") + list);
      MediaRef media;
      media.key = "image " + std::to_string(post.media.size() + 1);
      media.type = "photo";
      media.url = required_string(image, "fullsize");
      media.alt_text = optional_string(image, "alt");
      read_aspect_ratio(image, media);
      post.media.push_back(std::move(media));
    } catch (const FieldError& error) {
      problems.add(problem::bad_media, std::string("an image of the embed: ") + error.what());
    }
  }
}

// A video is shown by its thumbnail, with the card's play badge; a video the poster presents
// as a GIF (looping, silent) gets the GIF chip instead.
void read_video(const json::object& view, items::Post& post) {
  MediaRef media;
  media.key = "video " + std::to_string(post.media.size() + 1);
  media.type = optional_string(view, "presentation") == "gif" ? "animated_gif" : "video";
  media.url = optional_string(view, "thumbnail");  // may be absent: download-media then says so
  media.alt_text = optional_string(view, "alt");
  read_aspect_ratio(view, media);
  post.media.push_back(std::move(media));
}

void read_external(const json::object& view, items::Post& post) {
  const json::object* external = optional_object(view, "external");
  if (!external) throw FieldError("it has no external");
  items::LinkCard link;
  link.url = required_string(*external, "uri");
  link.title = optional_string(*external, "title");
  link.description = optional_string(*external, "description");
  link.thumb_url = optional_string(*external, "thumb");
  post.link = std::move(link);
}

// The member of record#view's `record` union: a quoted post, or what stands in for one.
void read_quoted_record(const json::object& record, items::Post& post, PostProblems& problems) {
  const std::string type = type_of(record);
  items::ReferencedPost quote;
  quote.type = "quoted";
  if (type == "app.bsky.embed.record#viewRecord") {
    quote.id = required_string(record, "uri");
    if (const json::object* value = optional_object(record, "value"))
      if (const json::value* text = value->if_contains("text"); text && text->is_string())
        quote.text = std::string(text->get_string());
    try {
      if (const json::object* author = optional_object(record, "author")) quote.author = bluesky_author(*author);
    } catch (const FieldError& error) {
      problems.add(problem::bad_reference, "the quoted post's author: " + std::string(error.what()));
    }
  } else if (type == "app.bsky.embed.record#viewNotFound" || type == "app.bsky.embed.record#viewBlocked" ||
             type == "app.bsky.embed.record#viewDetached") {
    // Deleted, hidden by a block, or detached by its author: the card says it is unavailable.
    quote.id = required_string(record, "uri");
  } else if (type == "app.bsky.feed.defs#generatorView" || type == "app.bsky.graph.defs#listView" ||
             type == "app.bsky.labeler.defs#labelerView" || type == "app.bsky.graph.defs#starterPackViewBasic") {
    return;  // a feed, list, labeler or starter pack: not a post, nothing a post card draws
  } else {
    throw FieldError("a quoted record of type '" + type + "' is not known");
  }
  post.referenced.push_back(std::move(quote));
}

void read_record_view(const json::object& view, items::Post& post, PostProblems& problems) {
  const json::object* record = optional_object(view, "record");
  if (!record) throw FieldError("it has no record");
  read_quoted_record(*record, post, problems);
}

// One embed view; `media_only` for recordWithMedia's media, a union without the quotes.
void read_view(const json::object& view, items::Post& post, PostProblems& problems, bool media_only) {
  const std::string type = type_of(view);
  const std::string what = "the embed (" + (type.empty() ? std::string("no $type") : type) + ")";
  try {
    if (type == "app.bsky.embed.images#view") {
      read_images(view, "images", post, problems);
    } else if (type == "app.bsky.embed.gallery#view") {
      read_images(view, "items", post, problems);
    } else if (type == "app.bsky.embed.video#view") {
      read_video(view, post);
    } else if (type == "app.bsky.embed.external#view") {
      read_external(view, post);
    } else if (!media_only && type == "app.bsky.embed.record#view") {
      read_record_view(view, post, problems);
    } else if (!media_only && type == "app.bsky.embed.recordWithMedia#view") {
      const json::object* media = optional_object(view, "media");
      if (!media) throw FieldError("it has no media");
      // recordWithMedia's record is a record#view by reference, so it may carry no $type.
      const json::object* record = optional_object(view, "record");
      if (!record) throw FieldError("it has no record");
      try {
        read_record_view(*record, post, problems);
      } catch (const FieldError& error) {
        problems.add(problem::bad_reference, what + ": " + error.what());
      }
      read_view(*media, post, problems, true);
    } else {
      problems.add(problem::bad_media, what + " is not a kind of embed this reader knows");
    }
  } catch (const FieldError& error) {
    const bool quote = type == "app.bsky.embed.record#view";
    problems.add(quote ? problem::bad_reference : problem::bad_media, what + ": " + error.what());
  }
}

}  // namespace

items::Author bluesky_author(const json::object& profile) {
  items::Author author;
  author.id = required_string(profile, "did");
  author.username = required_string(profile, "handle");
  author.name = optional_string(profile, "displayName");
  author.avatar_url = optional_string(profile, "avatar");
  return author;
}

void read_embed_view(const json::value& embed, items::Post& post, PostProblems& problems) {
  if (embed.is_null()) return;
  if (!embed.is_object()) {
    problems.add(problem::bad_media, std::string("embed is ") + kind_name(embed.kind()) + ", not an object");
    return;
  }
  read_view(embed.get_object(), post, problems, false);
  keep_first_media(post.media, problems);
}

}  // namespace pipectl::fetch
