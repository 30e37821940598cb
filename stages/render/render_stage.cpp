// The "render" stage: media posts in, I420 card frames out, with a title card first.
#include <algorithm>
#include <mutex>
#include <string>

#include "builtin.hpp"
#include "card_renderer.hpp"
#include "frame_convert.hpp"
#include "items/frame.hpp"
#include "items/media.hpp"
#include "pipectl/registry.hpp"

namespace pipectl {

namespace {

class RenderStage final : public Stage {
 public:
  RenderStage(const Params& params, const RunContext& context)
      : RenderStage(checked_size(params.size("size")), params, context) {}

  RenderStage(Size size, const Params& params, const RunContext& context)
      : renderer_(size.width, size.height, context.tz.empty() ? "UTC" : context.tz),
        card_seconds_(params.duration_seconds("card")),
        handle_(context.handle),
        day_(context.date) {}

  void process(const Item& item, Emitter& out) override {
    const auto& media_post = item.as<items::MediaPost>();
    const items::Post& post = media_post.post;
    // One renderer, one FreeType library: calls must not overlap even if the executor
    // delivers items from several threads.
    std::lock_guard lock(mutex_);
    if (!title_sent_) {
      title_sent_ = true;
      // A source that does not count the day still has at least this many posts.
      emit_title(out, std::max(post.day_count, post.index + 1), post.author.name,
                 post.author.username, post.created_at);
    }
    items::Frame frame;
    try {
      frame = converter_.convert(renderer_.render_post(media_post).canvas);
    } catch (const std::exception& error) {
      std::string where = "post " + post.id;
      if (!post.source.empty()) where += " (from " + post.source + ")";
      throw ItemError(where + ": cannot render its card: " + error.what());
    }
    frame.sequence = post.index + 1;
    frame.duration_seconds = card_seconds_;
    frame.label = post.id;
    out.emit(Item::make(std::move(frame)));
  }

  void finish(Emitter& out) override {
    std::lock_guard lock(mutex_);
    // A day without posts still makes a (short) video that says so.
    if (!title_sent_) {
      title_sent_ = true;
      emit_title(out, 0, "", "", std::nullopt);
    }
  }

 private:
  static Size checked_size(Size size) {
    if (size.width % 2 != 0 || size.height % 2 != 0)
      throw std::invalid_argument(
          "size " + std::to_string(size.width) + "x" + std::to_string(size.height) +
          " must have an even width and height (I420 video); try " +
          std::to_string(size.width & ~1) + "x" + std::to_string(size.height & ~1));
    return size;
  }

  void emit_title(Emitter& out, int post_count, const std::string& display_name,
                  const std::string& username, std::optional<std::chrono::sys_seconds> first_post) {
    render::TitleInfo title;
    title.handle = handle_.empty() ? username : handle_;
    title.display_name = display_name;
    title.day = day_;
    if (title.day.empty() && first_post)
      title.day = renderer_.time_formatter().local_day(*first_post);
    title.post_count = post_count;
    items::Frame frame = converter_.convert(renderer_.render_title(title).canvas);
    frame.sequence = 0;
    frame.duration_seconds = card_seconds_;
    frame.label = "title";
    out.emit(Item::make(std::move(frame)));
  }

  std::mutex mutex_;
  render::CardRenderer renderer_;
  render::FrameConverter converter_;
  double card_seconds_;
  std::string handle_;
  std::string day_;
  bool title_sent_ = false;
};

}  // namespace

void register_render_stage(Registry& registry) {
  StageInfo info;
  info.name = "render";
  info.summary =
      "draws each post as a card (text, photos, author, time) and a title card, as I420 frames";
  info.inputs = {{"in", "media"}};
  info.outputs = {{"out", "frame"}};
  info.params = {
      ParamSpec{"size", ParamType::size, "1920x1080",
                "frame width x height in pixels, both even (1080x1920 for vertical video)"},
      ParamSpec{"card", ParamType::duration, "3s", "how long each card stays on screen", 0.1, 60.0},
  };
  info.create = [](const Params& params, const RunContext& context) -> std::unique_ptr<Stage> {
    return std::make_unique<RenderStage>(params, context);
  };
  registry.add(std::move(info));
}

}  // namespace pipectl
