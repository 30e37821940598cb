// The "render" stage: media posts in, I420 card frames out, with a title card first.
#include <algorithm>
#include <atomic>
#include <memory>
#include <vector>
#include <mutex>
#include <optional>
#include <string>

#include "render.hpp"
#include "card_memory.hpp"
#include "time_format.hpp"
#include "card_renderer.hpp"
#include "count_format.hpp"
#include "display_text.hpp"
#include "frame_convert.hpp"
#include "items/frame.hpp"
#include "items/media.hpp"
#include "pipectl/stage_declaration.hpp"

namespace pipectl {

namespace {

// Cards are independent, so render is a parallel stage: each call borrows a renderer of its
// own (FreeType and HarfBuzz objects are not thread-safe) from a small pool that grows to the
// number of threads that call at once.
struct RenderSettings {
  Size size;
  Duration card;
  std::string theme;
  bool end_card = true;
  std::string handle;  // run variables: whose day, which day, in which zone
  std::string date;
  std::string tz;
};

const Output<items::Frame> frames_out{"out"};

class RenderStage final : public StageFor<items::MediaPost> {
 public:
  RenderStage(const RenderSettings& settings, const RunContext&)
      : size_(settings.size),
        time_zone_(settings.tz.empty() ? "UTC" : settings.tz),
        theme_(render::theme_named(settings.theme)),
        card_seconds_(settings.card.seconds),
        end_card_(settings.end_card),
        handle_(settings.handle),
        day_(settings.date) {
    // Build one renderer now: a bad time zone or a missing font fails the stage up front.
    release(std::make_unique<Worker>(size_, time_zone_, theme_));
  }

  void receive(const items::MediaPost& media_post, Emitter& out) override {
    const items::Post& post = media_post.post;
    auto worker = acquire();
    if (!title_sent_.exchange(true)) {
      // A source that does not count the day still has at least this many posts. A repost's
      // author is the original's: the handle is the one who reposted.
      const items::Author& handle = post.repost ? post.repost->by : post.author;
      const int reposts = std::max(0, post.day_reposts);
      emit_title(*worker, out, std::max(0, std::max(post.day_count, post.index + 1) - reposts), reposts,
                 handle.name, handle.username, post.created_at);
    }
    items::Frame frame;
    try {
      frame = worker->frame_of(worker->renderer.render_post(media_post).canvas);
    } catch (const std::exception& error) {
      release(std::move(worker));
      std::string where = "post " + post.id;
      if (!post.source.empty()) where += " (from " + post.source + ")";
      throw ItemError(where + ": cannot render its card: " + error.what(), "card not drawn");
    }
    release(std::move(worker));
    record(post);
    frame.sequence = post.index + 1;
    frame.duration_seconds = card_seconds_;
    frame.label = post.id;
    frame.caption = caption_of(post);
    frames_out.emit(out, std::move(frame));
  }

  void finish(Emitter& out) override {
    auto worker = acquire();
    // A day without posts still makes a (short) video that says so.
    if (!title_sent_.exchange(true)) emit_title(*worker, out, 0, 0, "", "", std::nullopt);
    if (end_card_) emit_end(*worker, out);
    release(std::move(worker));
  }

 private:
  struct Worker {
    Worker(Size size, const std::string& time_zone, const render::Theme& theme)
        : renderer(size.width, size.height, time_zone, theme) {}
    // The card as a frame; its canvas goes back to the renderer for the next card.
    items::Frame frame_of(render::Canvas&& canvas) {
      items::Frame frame = render::to_frame(canvas);
      renderer.recycle(std::move(canvas));
      return frame;
    }
    render::CardRenderer renderer;
  };

  std::unique_ptr<Worker> acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto worker = std::move(idle_.back());
        idle_.pop_back();
        return worker;
      }
    }
    return std::make_unique<Worker>(size_, time_zone_, theme_);
  }

  // "@ada: text"; a repost "@ada reposted @orbit: text". Names go in without bidi controls:
  // a player applies them to the whole cue (U+202E in a name reversed the caption).
  static std::string caption_of(const items::Post& post) {
    // Appends, not operator+ chains: GCC 12 at -O3 warns falsely (-Wrestrict) on "@" + string.
    std::string caption;
    auto who = [&caption](const items::Author& author) {
      if (author.username.empty()) caption.append(render::caption_name(author.name));
      else caption.append("@").append(render::caption_name(author.username));
    };
    if (post.repost) {
      who(post.repost->by);
      caption.append(" reposted ");
    }
    who(post.author);
    return caption.append(": ").append(twitter_text::display_text(post).text);
  }

  // What the end card sums up: the handle's own posts and their counts. A repost's counts
  // are the original's, not the handle's, whether the source delivered the original (drawn
  // as it) or not (an "RT @x: ..." post, whose counts the API copies from the original);
  // posts arrive on several threads.
  void record(const items::Post& post) {
    std::lock_guard lock(mutex_);
    last_sequence_ = std::max(last_sequence_, post.index + 1);
    if (!first_post_ || post.created_at < *first_post_) first_post_ = post.created_at;
    if (post.is_repost()) {
      ++reposts_;
      if (username_.empty()) username_ = post.repost ? post.repost->by.username : post.author.username;
      return;
    }
    ++cards_;
    totals_.replies += post.metrics.replies;
    totals_.reposts += post.metrics.reposts;
    totals_.likes += post.metrics.likes;
    totals_.quotes += post.metrics.quotes;
    if (username_.empty()) username_ = post.author.username;
  }

  void emit_end(Worker& worker, Emitter& out) {
    render::EndInfo end;
    int sequence = 0;
    {
      std::lock_guard lock(mutex_);
      end.handle = handle_.empty() ? username_ : handle_;
      end.day = day_;
      if (end.day.empty() && first_post_) end.day = worker.renderer.time_formatter().local_day(*first_post_);
      end.post_count = cards_;
      end.repost_count = reposts_;
      end.totals = totals_;
      // After every post, even one that failed to render (encode closes such gaps).
      sequence = last_sequence_ + 1;
    }
    items::Frame frame = worker.frame_of(worker.renderer.render_end(end).canvas);
    frame.sequence = sequence;
    frame.duration_seconds = card_seconds_;
    frame.label = "end";
    frame.caption = "End of the day" + (end.handle.empty() ? std::string() : " for @" + end.handle) + ": " +
                    render::day_posts_text(end.post_count, end.repost_count);
    frames_out.emit(out, std::move(frame));
  }

  void release(std::unique_ptr<Worker> worker) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(worker));
  }

  void emit_title(Worker& worker, Emitter& out, int post_count, int repost_count, const std::string& display_name,
                  const std::string& username, std::optional<std::chrono::sys_seconds> first_post) {
    render::TitleInfo title;
    title.handle = handle_.empty() ? username : handle_;
    title.display_name = display_name;
    title.day = day_;
    if (title.day.empty() && first_post) title.day = worker.renderer.time_formatter().local_day(*first_post);
    title.post_count = post_count;
    title.repost_count = repost_count;
    items::Frame frame = worker.frame_of(worker.renderer.render_title(title).canvas);
    frame.sequence = 0;
    frame.duration_seconds = card_seconds_;
    frame.label = "title";
    frame.caption = (display_name.empty() ? "" : render::caption_name(display_name) + " ") + "@" + title.handle +
                    (title.day.empty() ? "" : ", " + title.day) + ": " + render::day_posts_text(post_count, repost_count);
    frames_out.emit(out, std::move(frame));
  }

  const Size size_;
  const std::string time_zone_;
  const render::Theme theme_;
  const double card_seconds_;
  const bool end_card_;
  const std::string handle_;
  const std::string day_;
  std::atomic<bool> title_sent_{false};
  std::mutex mutex_;  // guards idle_ and the day's sums below
  std::vector<std::unique_ptr<Worker>> idle_;
  int cards_ = 0;    // the handle's own posts rendered
  int reposts_ = 0;  // reposts rendered
  int last_sequence_ = 0;
  items::Metrics totals_;
  std::optional<std::chrono::sys_seconds> first_post_;  // the earliest post rendered
  std::string username_;
};

}  // namespace

StageInfo render_stage() {
  return declare_stage<RenderSettings>("render",
                                       "draws each post as a card (text, entities, photos, quote, counts), a title "
                                       "card and an end card, as I420 frames")
      .input(Input<items::MediaPost>{"in"})
      .output(frames_out)
      .param("size", &RenderSettings::size, "1920x1080",
             "frame width x height in pixels, both even (1080x1920 for vertical video)")
      .unit("pixels")
      .param("card", &RenderSettings::card, "3s", "how long each card stays on screen").range(0.1, 60.0)
      .param("theme", &RenderSettings::theme, "light", "colours of the cards")
      .choices({render::theme_names().begin(), render::theme_names().end()})
      .param("end_card", &RenderSettings::end_card, "true",
             "close the video with a card summing up the day (posts, replies, reposts, likes)")
      .variable("handle", &RenderSettings::handle)
      .variable("date", &RenderSettings::date)
      .variable("tz", &RenderSettings::tz)
      .rule({"size"}, [](const RenderSettings& settings, const RunContext&) -> std::optional<std::string> {
        const Size size = settings.size;
        if (size.width % 2 == 0 && size.height % 2 == 0) return std::nullopt;
        return "size " + std::to_string(size.width) + "x" + std::to_string(size.height) +
               " must have an even width and height (I420 video); try " + std::to_string(size.width & ~1) + "x" +
               std::to_string(size.height & ~1);
      })
      .rule({}, [](const RenderSettings& settings, const RunContext&) -> std::optional<std::string> {
        if (settings.tz.empty() || render::is_time_zone(settings.tz)) return std::nullopt;
        return "the time zone '" + settings.tz + "' is not one this system knows (an IANA name like Europe/Paris)";
      })
      // Card buffers are megabytes each and short-lived: see card_memory.hpp.
      .prepare_process([](const RunContext&) { tune_allocator_for_cards(); })
      .parallel()
      .creates<RenderStage>();
}

}  // namespace pipectl
