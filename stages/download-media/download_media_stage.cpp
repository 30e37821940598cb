// The download-media stage: turns each post into a post with its pictures decoded (photos and
// video previews, the author's avatar, the link card's picture, the text's custom emoji), loaded
// from local files or downloaded over http(s) through a cache on disk. A picture that cannot be
// had never loses the post: the card shows a placeholder (or goes without) and the run says why.
#include <filesystem>
#include <memory>
#include <set>

#include "download_media.hpp"
#include "pipectl/output_folder.hpp"
#include "pipectl/stage_declaration.hpp"
#include "card_geometry.hpp"
#include "image_decoder.hpp"
#include "items/media.hpp"
#include "items/post.hpp"
#include "media_downloader.hpp"
#include "photo_variant.hpp"
#include "pictures_by_url.hpp"
#include "url.hpp"

namespace pipectl {

namespace {

namespace fs = std::filesystem;

bool is_web_url(const std::string& url) { return url.starts_with("http://") || url.starts_with("https://"); }

struct DownloadMediaSettings {
  int max_side = 0;
  std::int64_t max_pixels = 0;
  std::uint64_t max_bytes = 0;
  int retries = 0;
  int downloads = 0;
  Duration timeout;
  fs::path cache;
  std::uint64_t cache_max = 0;  // MiB
  Size size;
  std::string ca_file;
};

const Output<items::MediaPost> media_out{"out"};

media::DownloadSettings download_settings(const DownloadMediaSettings& given, const RunContext& context) {
  media::DownloadSettings settings;
  // Absolute and resolved, without a trailing separator ("out/" would end in an empty part).
  settings.cache_folder = fs::weakly_canonical(fs::absolute(given.cache));
  if (!settings.cache_folder.has_filename()) settings.cache_folder = settings.cache_folder.parent_path();
  settings.downloads = given.downloads;
  settings.retries = given.retries;
  settings.max_bytes = given.max_bytes;
  settings.timeout = given.timeout.milliseconds();
  settings.cache_max_bytes = given.cache_max << 20;
  settings.cancelled = context.cancelled;
  settings.ca_file = given.ca_file;
  return settings;
}

class DownloadMediaStage : public StageFor<items::Post> {
 public:
  DownloadMediaStage(const DownloadMediaSettings& settings, const RunContext& context)
      : context_(context),
        card_(settings.size),
        downloader_(download_settings(settings, context)),
        avatars_([this](const std::string& url) { return load(url, avatar_limits_); }),
        emoji_([this](const std::string& url) { return load(url, emoji_limits_); }) {
    limits_.max_side = settings.max_side;
    limits_.max_pixels = settings.max_pixels;
    // Avatars, link pictures and emoji are decoded at the most a card draws them, never larger
    // than photos.
    const render::CardMetrics metrics(card_.width, card_.height);
    avatar_limits_ = link_thumb_limits_ = emoji_limits_ = limits_;
    avatar_limits_.max_side = std::min(limits_.max_side, metrics.avatar);
    link_thumb_limits_.max_side = std::min(limits_.max_side, render::largest_link_thumb_side(metrics));
    emoji_limits_.max_side = std::min(limits_.max_side, render::largest_inline_image_side(metrics));
    downloader_.cache().remove_stale_temp_files();
  }

  void receive(const items::Post& post, Emitter& out) override {
    items::MediaPost result;
    result.post = post;
    for (std::size_t i = 0; i < post.media.size(); ++i) {
      const auto& media = post.media[i];
      const std::string url = media::photo_variant_url(media.url, media::photo_side_on_card(card_, post, i));
      try {
        result.images.push_back(load(url, limits_));
      } catch (const std::exception& error) {
        // Stopped (Ctrl-C, a time-out): the run ends, no placeholder is worth a warning.
        if (context_.cancelled && context_.cancelled()) throw;
        result.images.push_back(std::nullopt);
        report(result, "picture not loaded", std::string("media ").append(media.key), url, error.what(), "a placeholder");
      }
    }
    const std::string& avatar_url = post.author.avatar_url;
    if (context_.cancelled && context_.cancelled()) throw std::runtime_error("stopped: the run is being cancelled");
    result.avatar = avatars_.get(avatar_url, [&](const std::string& reason) {
      report(result, "avatar not loaded", std::string("avatar of @").append(post.author.username), avatar_url, reason,
             "the initial");
    });
    if (post.link && !post.link->thumb_url.empty()) {
      const std::string& url = post.link->thumb_url;
      try {
        result.link_thumb = load(url, link_thumb_limits_);
      } catch (const std::exception& error) {
        if (context_.cancelled && context_.cancelled()) throw;
        report(result, "picture not loaded", "link preview picture", url, error.what(), "the link card without it");
      }
    }
    load_emoji(result);
    media_out.emit(out, std::move(result));
  }

 private:
  // "post 77: media 3_1 (https://host/x.jpg): the server answered HTTP 500; the card shows a
  // placeholder": the post, the picture, its URL without the query, why, and what happens.
  void report(items::MediaPost& result, const char* kind, const std::string& what, const std::string& url,
              const std::string& reason, const std::string& instead) {
    if (context_.cancelled && context_.cancelled()) return;  // the run is ending: not the picture's fault
    std::string note = "post ";
    note.append(result.post.id).append(": ").append(what).append(" (").append(net::url_for_messages(url));
    note.append("): ").append(reason).append("; the card shows ").append(instead);
    result.notes.push_back(note);
    if (context_.warn) context_.warn(kind, note);
  }

  // The pictures of the text's custom emoji, each URL once (a post may repeat one a thousand
  // times), at most kMaxEmoji different ones: the others keep their ":shortcode:" text.
  void load_emoji(items::MediaPost& result) {
    static constexpr std::size_t kMaxEmoji = 100;
    std::set<std::string> asked, left_out;
    for (const items::Entity& entity : result.post.entities) {
      if (entity.kind != items::EntityKind::custom_emoji || entity.image_url.empty() || asked.contains(entity.image_url))
        continue;
      if (asked.size() >= kMaxEmoji) {
        left_out.insert(entity.image_url);
        continue;
      }
      asked.insert(entity.image_url);
      if (context_.cancelled && context_.cancelled()) throw std::runtime_error("stopped: the run is being cancelled");
      const std::string shortcode = std::string(":").append(entity.text).append(":");
      auto picture = emoji_.get(entity.image_url, [&](const std::string& reason) {
        report(result, "emoji not loaded", std::string("custom emoji ").append(shortcode), entity.image_url, reason,
               std::string("its ").append(shortcode).append(" text"));
      });
      if (picture) result.emoji.emplace(entity.image_url, std::move(*picture));
    }
    if (!left_out.empty()) {
      std::string note = std::string("post ").append(result.post.id).append(": ").append(std::to_string(left_out.size()));
      note.append(" more custom emoji than the ").append(std::to_string(kMaxEmoji));
      note.append(" a card loads; the card shows their :shortcode: text");
      result.notes.push_back(note);
      if (context_.warn) context_.warn("emoji not loaded", note);
    }
  }

  items::Image load(const std::string& url, const media::DecodeLimits& limits) {
    if (url.empty()) throw std::runtime_error("the API gave no URL for it");
    if (is_web_url(url)) {
      auto fetched = downloader_.fetch(url);
      // The picture is used from memory all the same; only a later run pays (it downloads again).
      if (!fetched.cache_problem.empty() && context_.warn)
        context_.warn("picture not kept in the cache",
                      std::string(fetched.cache_problem).append("; ").append(net::url_for_messages(url))
                          .append(" is used from memory, not kept in the cache"));
      return media::decode_image_bytes(fetched.bytes, limits);
    }
    const std::string file_scheme = "file://";
    if (url.starts_with(file_scheme)) return media::decode_image_file(url.substr(file_scheme.size()), limits);
    if (url.find("://") != std::string::npos)
      throw std::runtime_error("only file://, http:// and https:// URLs can be loaded");
    return media::decode_image_file(url, limits);
  }

  RunContext context_;
  Size card_;
  media::DecodeLimits limits_;
  media::DecodeLimits avatar_limits_;
  media::DecodeLimits link_thumb_limits_;
  media::DecodeLimits emoji_limits_;
  media::MediaDownloader downloader_;
  media::PicturesByUrl avatars_;
  media::PicturesByUrl emoji_;
};

}  // namespace

StageInfo download_media_stage() {
  using S = DownloadMediaSettings;
  return declare_stage<S>("download-media",
                          "Loads and decodes each post's pictures (JPEG, PNG, WebP), from files or http(s) through a "
                          "cache, bounded in size")
      .input(Input<items::Post>{"in"})
      .output(media_out)
      .param("max_side", &S::max_side, "2048", "longer pictures are scaled down to this many pixels on their long side")
      .range(16, 16384).unit("pixels")
      .param("max_pixels", &S::max_pixels, "50000000", "pictures with more pixels than this are refused before decoding")
      .range(1, 1e9).unit("pixels")
      .param("max_bytes", &S::max_bytes, "20971520", "downloads larger than this (20 MiB) are refused unread")
      .range(1024, 1e9).unit("bytes")
      .param("retries", &S::retries, "2", "more attempts after a 5xx, a dropped connection or a time-out (with backoff)")
      .range(0, 10)
      .param("downloads", &S::downloads, "4", "downloads at the same time, at most")
      .range(1, media::MediaDownloader::max_downloads)
      .param("timeout", &S::timeout, "30s", "time for each download's whole response (connecting: at most 10 s of it)")
      .range(0.1, 600)
      .param("cache", &S::cache, "{out}/.cache/media",
             "folder of downloaded files, named by the SHA-256 of their URL (inside the output folder), so reruns "
             "download nothing")
      .param("cache_max", &S::cache_max, "1024",
             "size bound of the cache: past it the least recently used files are removed (shared by all handles "
             "using the folder); 0: no bound")
      .range(0, 1e6).unit("MiB")
      .param("size", &S::size, "1920x1080",
             "the card size render draws (its size): X photos are fetched in the smallest variant that covers their "
             "box on the card")
      .unit("pixels")
      .param("ca_file", &S::ca_file, "", "PEM file of certificate authorities for https; empty: the system's")
      .relative_to_graph()
      .rule({"cache"}, [](const S& settings, const RunContext& context) {
        return outside_output_folder(settings.cache, context);
      })
      .rule({"ca_file"}, [](const S& settings, const RunContext&) { return missing_file(settings.ca_file); })
      // Each post's pictures are loaded independently; what is shared (the download permits and
      // clients, the avatars) is thread-safe.
      .parallel()
      .creates<DownloadMediaStage>();
}

}  // namespace pipectl
