// The download-media stage: turns each post into a post with its pictures decoded. A picture
// that cannot be had never loses the post: the card shows a placeholder and the run says why.
#include "builtin.hpp"
#include "image_decoder.hpp"
#include "items/media.hpp"
#include "items/post.hpp"

namespace pipectl {

namespace {

class DownloadMediaStage : public Stage {
 public:
  DownloadMediaStage(const Params& params, const RunContext& context) : context_(context) {
    limits_.max_side = static_cast<int>(params.integer("max_side"));
    limits_.max_pixels = params.integer("max_pixels");
  }

  void process(const Item& item, Emitter& out) override {
    const auto& post = item.as<items::Post>();
    items::MediaPost result;
    result.post = post;
    for (const auto& media : post.media) {
      try {
        result.images.push_back(media::decode_image_file(local_path(media.url), limits_));
      } catch (const std::exception& error) {
        std::string note = "post " + post.id + ": media " + media.key + " (" + media.url + "): " + error.what() +
                           "; the card shows a placeholder";
        result.images.push_back(std::nullopt);
        result.notes.push_back(note);
        context_.warn(note);
      }
    }
    out.emit(Item::make(std::move(result)));
  }

 private:
  static std::string local_path(const std::string& url) {
    const std::string file_scheme = "file://";
    if (url.rfind(file_scheme, 0) == 0) return url.substr(file_scheme.size());
    if (url.empty()) throw std::runtime_error("the API gave no URL for it");
    if (url.find("://") != std::string::npos)
      throw std::runtime_error("only local files (file://) can be loaded so far");
    return url;
  }

  RunContext context_;
  media::DecodeLimits limits_;
};

}  // namespace

void register_download_media_stage(Registry& registry) {
  registry.add(StageInfo{
      .name = "download-media",
      .summary = "Loads and decodes each post's pictures (JPEG, PNG, WebP), bounded in size",
      .inputs = {{"in", "post"}},
      .outputs = {{"out", "media"}},
      .params = {
          {.name = "max_side", .type = ParamType::integer, .default_value = "2048",
           .doc = "longer pictures are scaled down to this many pixels on their long side", .min = 16, .max = 16384},
          {.name = "max_pixels", .type = ParamType::integer, .default_value = "50000000",
           .doc = "pictures with more pixels than this are refused before decoding", .min = 1, .max = 1e9},
      },
      .create = [](const Params& params, const RunContext& context) -> std::unique_ptr<Stage> {
        return std::make_unique<DownloadMediaStage>(params, context);
      },
      // Each post's pictures are decoded independently; the stage keeps no state.
      .concurrency = Concurrency::parallel,
  });
}

}  // namespace pipectl
