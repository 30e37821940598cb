// The download-media stage: turns each post into a post with its pictures decoded, loaded from
// local files or downloaded over http(s) through a cache on disk. A picture that cannot be had
// never loses the post: the card shows a placeholder and the run says why.
#include <filesystem>
#include <memory>

#include "avatar_loader.hpp"
#include "builtin.hpp"
#include "card_geometry.hpp"
#include "image_decoder.hpp"
#include "items/media.hpp"
#include "items/post.hpp"
#include "media_downloader.hpp"
#include "photo_variant.hpp"
#include "url.hpp"

namespace pipectl {

namespace {

namespace fs = std::filesystem;

bool is_web_url(const std::string& url) { return url.starts_with("http://") || url.starts_with("https://"); }

// Absolute, with . and .. and symbolic links resolved, and no trailing separator ("out/" of a
// folder that does not exist yet would otherwise end in an empty part).
fs::path normal_folder(const std::string& text) {
  fs::path folder = fs::weakly_canonical(fs::absolute(text));
  return folder.has_filename() ? folder : folder.parent_path();
}

// The cache folder the parameter names, refused outside the output folder: pipectl writes
// nowhere else.
fs::path cache_folder(const std::string& text, const RunContext& context) {
  if (text.empty()) throw std::invalid_argument("download-media: cache names no folder; keep it under {out}");
  fs::path folder = normal_folder(text);
  if (!context.out_dir.empty()) {
    auto out = normal_folder(context.out_dir);
    auto [out_end, inside] = std::mismatch(out.begin(), out.end(), folder.begin(), folder.end());
    if (out_end != out.end() || inside == folder.end())
      throw std::invalid_argument(std::string("download-media: cache ")
                                      .append(text).append(" is outside the output folder ")
                                      .append(context.out_dir).append("; keep it under {out}"));
  }
  return folder;
}

media::DownloadSettings download_settings(const Params& params, const RunContext& context) {
  media::DownloadSettings settings;
  settings.cache_folder = cache_folder(params.text("cache"), context);
  settings.downloads = static_cast<int>(params.integer("downloads"));
  settings.retries = static_cast<int>(params.integer("retries"));
  settings.max_bytes = static_cast<std::uint64_t>(params.integer("max_bytes"));
  settings.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(params.duration_seconds("timeout") * 1000));
  settings.cache_max_bytes = static_cast<std::uint64_t>(params.integer("cache_max")) << 20;
  settings.cancelled = context.cancelled;
  settings.ca_file = params.text("ca_file");
  if (!settings.ca_file.empty() && fs::path(settings.ca_file).is_relative() && !context.graph_dir.empty())
    settings.ca_file = (fs::path(context.graph_dir) / settings.ca_file).string();
  return settings;
}

class DownloadMediaStage : public Stage {
 public:
  DownloadMediaStage(const Params& params, const RunContext& context)
      : context_(context),
        card_(params.size("size")),
        downloader_(download_settings(params, context)),
        avatars_([this](const std::string& url) { return load(url, avatar_limits_); }) {
    limits_.max_side = static_cast<int>(params.integer("max_side"));
    limits_.max_pixels = params.integer("max_pixels");
    // Avatars are decoded at the size a card draws them, never larger than photos.
    avatar_limits_ = limits_;
    avatar_limits_.max_side = std::min(limits_.max_side, render::CardMetrics(card_.width, card_.height).avatar);
    downloader_.cache().remove_stale_temp_files();
  }

  void process(const Item& item, Emitter& out) override {
    const auto& post = item.as<items::Post>();
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
    out.emit(Item::make(std::move(result)));
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
  media::MediaDownloader downloader_;
  media::AvatarLoader avatars_;
};

}  // namespace

void register_download_media_stage(Registry& registry) {
  registry.add(StageInfo{
      .name = "download-media",
      .summary = "Loads and decodes each post's pictures (JPEG, PNG, WebP), from files or http(s) through a cache, "
                 "bounded in size",
      .inputs = {{"in", "post"}},
      .outputs = {{"out", "media"}},
      .params = {
          {.name = "max_side", .type = ParamType::integer, .default_value = "2048",
           .doc = "longer pictures are scaled down to this many pixels on their long side", .min = 16, .max = 16384},
          {.name = "max_pixels", .type = ParamType::integer, .default_value = "50000000",
           .doc = "pictures with more pixels than this are refused before decoding", .min = 1, .max = 1e9},
          {.name = "max_bytes", .type = ParamType::integer, .default_value = "20971520",
           .doc = "downloads larger than this many bytes (20 MiB) are refused unread", .min = 1024, .max = 1e9},
          {.name = "retries", .type = ParamType::integer, .default_value = "2",
           .doc = "more attempts after a 5xx, a dropped connection or a time-out (with backoff)", .min = 0, .max = 10},
          {.name = "downloads", .type = ParamType::integer, .default_value = "4",
           .doc = "downloads at the same time, at most", .min = 1, .max = media::MediaDownloader::max_downloads},
          {.name = "timeout", .type = ParamType::duration, .default_value = "30s",
           .doc = "time for each download's whole response (connecting: at most 10 s of it)", .min = 0.1, .max = 600},
          {.name = "cache", .type = ParamType::string, .default_value = "{out}/.cache/media",
           .doc = "folder of downloaded files, named by the SHA-256 of their URL (inside the output folder), so "
                  "reruns download nothing"},
          {.name = "cache_max", .type = ParamType::integer, .default_value = "1024",
           .doc = "size bound of the cache in MiB: past it the least recently used files are removed (shared by "
                  "all handles using the folder); 0: no bound", .min = 0, .max = 1e6},
          {.name = "size", .type = ParamType::size, .default_value = "1920x1080",
           .doc = "the card size render draws (its size): X photos are fetched in the smallest variant that covers "
                  "their box on the card"},
          {.name = "ca_file", .type = ParamType::string, .default_value = "",
           .doc = "PEM file of certificate authorities for https (relative to the graph); empty: the system's"},
      },
      .create = [](const Params& params, const RunContext& context) -> std::unique_ptr<Stage> {
        return std::make_unique<DownloadMediaStage>(params, context);
      },
      // Each post's pictures are loaded independently; what is shared (the download permits and
      // clients, the avatars) is thread-safe.
      .concurrency = Concurrency::parallel,
  });
}

}  // namespace pipectl
