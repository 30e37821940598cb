// The post item: one post of the day as every source (stored pages, the live X API,
// archives) delivers it, already joined with its expansions (author, media, referenced post).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipectl::items {

struct Author {
  std::string id;
  std::string name;      // display name
  std::string username;  // without '@'
  std::string avatar_url;
};

// custom_emoji: a Mastodon instance's own emoji, ":shortcode:" in the text, drawn as its
// picture in the line (Entity::image_url).
enum class EntityKind { hashtag, mention, url, cashtag, custom_emoji };

// Offsets are in Unicode code points of `Post::text`, as the X API gives them (sources that
// count otherwise, Bluesky in UTF-8 bytes, convert).
struct Entity {
  EntityKind kind = EntityKind::hashtag;
  int start = 0;
  int end = 0;
  std::string text;         // tag, username or cashtag without its sigil; for URLs the link
                            // (t.co for X); for custom emoji the shortcode without colons
  std::string display_url;  // URLs only: what a person should see instead of the link
  std::string image_url;    // custom emoji only: its picture (static, not animated)
};

struct MediaRef {
  std::string key;
  std::string type;  // "photo", "video" or "animated_gif"
  std::string url;   // the image to show: the photo, or the preview image of a video
  int width = 0;     // as declared by the API; 0 when unknown
  int height = 0;
  std::string alt_text;
};

struct ReferencedPost {
  std::string type;  // "retweeted", "quoted" or "replied_to"
  std::string id;
  // Filled when the referenced post was included in the response.
  std::optional<std::string> text;
  std::optional<Author> author;
};

// The handle's repost of someone else's post. The Post that holds it is then drawn as the
// original post, as X and embed libraries draw it: author, text, entities, media and metrics
// are the original's, under a "<name> reposted" line naming `by`. `Post::id` and
// `Post::created_at` stay the repost's own: they place it in the handle's day.
struct Repost {
  Author by;                                   // the account that reposted: the handle's
  std::string original_id;
  std::chrono::sys_seconds original_created_at{};  // when the original was posted (the card's time)
};

// A link's preview card (Bluesky's external embed, Mastodon's card): drawn as a box under the
// text, its picture (`thumb_url`, may be empty) at its side.
struct LinkCard {
  std::string url;
  std::string title;
  std::string description;
  std::string thumb_url;
};

// A poll: its options as the post shows them, with their votes when the source gives them.
struct PollOption {
  std::string title;
  std::optional<std::int64_t> votes;
};

struct Poll {
  std::vector<PollOption> options;
  std::optional<std::int64_t> voters;  // people who voted (a multiple-choice poll's votes exceed it)
  bool multiple = false;               // more than one option may be chosen
  bool closed = false;                 // voting has ended
};

struct Metrics {
  std::int64_t replies = 0;
  std::int64_t reposts = 0;
  std::int64_t likes = 0;
  std::int64_t quotes = 0;
};

struct Post {
  static constexpr std::string_view item_type = "post";

  std::string id;
  std::chrono::sys_seconds created_at{};  // UTC
  // X attaches at most 4 pictures (or 1 video) to a post; sources keep no more than that.
  static constexpr std::size_t max_media = 4;
  // X's longest text is a 25,000-character note; sources cut a longer text at twice that (a card
  // shows a few thousand at most), so one hostile post cannot cost seconds and hundreds of MB.
  static constexpr std::size_t max_text_code_points = 50'000;

  std::string text;                       // UTF-8, as the API gives it (HTML entities decoded)
  // A content warning (Mastodon's spoiler_text): drawn above the text, which it introduces.
  std::string content_warning;
  std::string lang;  // BCP 47 tag as the source gives it ("en", "und"); empty: unknown
  std::vector<Entity> entities;
  // The source marks every link, mention and tag it has (Bluesky's facets, Mastodon's HTML):
  // none is to be guessed from the text when `entities` is empty, as it is for X's posts.
  bool entities_complete = false;
  Author author;
  std::vector<MediaRef> media;
  std::vector<ReferencedPost> referenced;
  std::optional<LinkCard> link;  // a link preview under the text
  std::optional<Poll> poll;
  Metrics metrics;
  // Set for a repost whose original the source delivered; day totals count only posts without it.
  std::optional<Repost> repost;

  int index = 0;      // position in the day, 0-based, in created_at order
  int day_count = 0;  // how many posts the day has
  // A repost: drawn as the original (`repost`), or, when the source did not deliver the
  // original, its own "RT @name: ..." text referencing a "retweeted" post.
  bool is_repost() const {
    if (repost) return true;
    for (const auto& reference : referenced)
      if (reference.type == "retweeted") return true;
    return false;
  }
  int day_reposts = 0;  // how many of them are reposts (is_repost()): the title card, drawn
                        // before the day's posts arrive, counts the handle's own posts
  std::string source;  // file or URL the post came from, for error messages
};

}  // namespace pipectl::items
