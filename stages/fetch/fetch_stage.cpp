// The fetch stage: the posts of one handle's day, oldest first.
#include <filesystem>

#include "builtin.hpp"
#include "day_window.hpp"
#include "pipectl/item.hpp"
#include "select_day.hpp"
#include "stored_pages.hpp"

namespace pipectl {

namespace {

class FetchStage : public Stage {
 public:
  FetchStage(const Params& params, const RunContext& context) : context_(context) {
    source_ = params.text("source");
    if (source_ != "stored")
      throw std::invalid_argument("source '" + source_ + "' is not available; this build reads 'stored' pages");
    std::filesystem::path dir = params.text("dir");
    dir_ = dir.is_absolute() ? dir : std::filesystem::path(context.graph_dir) / dir;
    if (!std::filesystem::is_directory(dir_))
      throw std::invalid_argument("dir \"" + dir.string() + "\" is not a folder (looked at " + dir_.string() +
                                  "; a relative dir is relative to the graph file)");
    window_ = fetch::day_window(context.date, context.tz.empty() ? "UTC" : context.tz);
  }

  void start(Emitter& out) override {
    auto stored = fetch::read_stored_pages(dir_.string(), context_.handle, context_.warn);
    auto day = fetch::select_day(std::move(stored.posts), window_);
    if (context_.expect_items) context_.expect_items(day.size());
    for (auto& post : day) out.emit(Item::make(std::move(post)));
  }

 private:
  RunContext context_;
  std::string source_;
  std::filesystem::path dir_;
  fetch::DayWindow window_{};
};

}  // namespace

void register_fetch_stage(Registry& registry) {
  registry.add(StageInfo{
      .name = "fetch",
      .summary = "Reads the posts of one handle's day ({date} in {tz}), oldest first",
      .inputs = {},
      .outputs = {{"out", "post"}},
      .params = {
          {.name = "source", .type = ParamType::string, .default_value = "stored",
           .doc = "where posts come from: 'stored' = X API v2 response pages on disk (see dir)"},
          {.name = "dir", .type = ParamType::string, .default_value = "../data/sample",
           .doc = "folder of stored pages, <dir>/<handle>/pages/page-1.json; relative to the graph file"},
      },
      .create = [](const Params& params, const RunContext& context) -> std::unique_ptr<Stage> {
        return std::make_unique<FetchStage>(params, context);
      },
  });
}

}  // namespace pipectl
