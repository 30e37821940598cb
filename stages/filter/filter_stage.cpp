// The "filter" stage: posts in, the posts the user asked for out, renumbered as the day's posts.
#include "filter.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "caseless_text.hpp"
#include "display_text.hpp"
#include "items/post.hpp"
#include "pipectl/stage_declaration.hpp"
#include "post_kinds.hpp"
#include "post_language.hpp"

namespace pipectl {

namespace {

using filter::PostKind;

struct FilterSettings {
  std::vector<std::string> drop;  // post kind names (post_kinds.hpp)
  std::vector<std::string> keep;
  std::vector<std::string> languages;  // BCP 47 primary language subtags
  std::string match;
  std::string exclude;
};

const Input<items::Post> posts_in{"in"};
const Output<items::Post> posts_out{"out"};

// The names in `names` that are not post kinds, said with the kinds there are.
std::optional<std::string> unknown_kind(const std::vector<std::string>& names) {
  std::string unknown;
  int count = 0;
  for (const auto& name : names)
    if (!filter::post_kind_named(name)) {
      if (count++ > 0) unknown.append(", ");
      unknown.append("'").append(name).append("'");
    }
  if (count == 0) return std::nullopt;
  return unknown.append(count == 1 ? " is not a kind of post" : " are not kinds of post")
      .append("; the kinds are ")
      .append(filter::post_kind_list());
}

// `names` passed unknown_kind (a rule of the declaration).
std::vector<PostKind> kinds_named(const std::vector<std::string>& names) {
  std::vector<PostKind> kinds;
  for (const auto& name : names) kinds.push_back(*filter::post_kind_named(name));
  return kinds;
}

// Which posts go on, decided post by post; the day they make up is counted at the end.
//
// Downstream, render draws the title card (the day's post and repost counts) with the first post
// it receives, and gives post `index` frame sequence index+1; encode writes frames in sequence
// order and waits for a missing one. So kept posts must leave numbered 0..k-1 with the day's
// new totals, which are known only when the input ends: the stage holds them until finish().
// It holds copies of the posts, not the items: a held item keeps its admission ticket, and a
// whole day of them would exhaust the run's bound on items in flight and stall the source.
class FilterStage final : public StageFor<items::Post> {
 public:
  FilterStage(const FilterSettings& settings, const RunContext& context)
      : keep_(kinds_named(settings.keep)),
        drop_(kinds_named(settings.drop)),
        languages_(settings.languages),
        match_(filter::caseless(settings.match)),
        exclude_(filter::caseless(settings.exclude)),
        expect_items_(context.expect_items) {}

  void receive(const items::Post& post, Emitter& /*out*/) override {
    if (wanted(post)) kept_.push_back(post);
  }

  void finish(Emitter& out) override {
    // The day's order, whatever order the posts came in (a parallel stage upstream may mix
    // them); posts of equal index (a source that does not number them) stay as they came.
    std::stable_sort(kept_.begin(), kept_.end(),
                     [](const items::Post& a, const items::Post& b) { return a.index < b.index; });
    const auto count = static_cast<int>(kept_.size());
    const auto reposts =
        static_cast<int>(std::count_if(kept_.begin(), kept_.end(), [](const items::Post& p) { return p.is_repost(); }));
    if (expect_items_) expect_items_(kept_.size());
    std::vector<items::Post> day = std::move(kept_);
    kept_.clear();
    for (int i = 0; i < count; ++i) {
      items::Post& post = day[static_cast<std::size_t>(i)];
      post.index = i;
      post.day_count = count;
      post.day_reposts = reposts;
      posts_out.emit(out, std::move(post));
    }
  }

 private:
  bool of_any(const items::Post& post, const std::vector<PostKind>& kinds) const {
    return std::any_of(kinds.begin(), kinds.end(), [&](PostKind kind) { return filter::is_kind(post, kind); });
  }

  bool wanted(const items::Post& post) const {
    if (!keep_.empty() && !of_any(post, keep_)) return false;
    if (of_any(post, drop_)) return false;
    if (!languages_.lets_through(post)) return false;
    if (match_.empty() && exclude_.empty()) return true;
    // The text as the card shows it: its content warning above it, display URLs rather than t.co
    // links, no trailing media link.
    const std::string text = filter::caseless(std::string(post.content_warning).append("\n").append(twitter_text::display_text(post).text));
    if (!match_.empty() && text.find(match_) == std::string::npos) return false;
    return exclude_.empty() || text.find(exclude_) == std::string::npos;
  }

  const std::vector<PostKind> keep_;
  const std::vector<PostKind> drop_;
  const filter::LanguageSet languages_;
  const std::string match_;    // caseless; empty: every text matches
  const std::string exclude_;  // caseless; empty: no text is excluded
  const std::function<void(std::uint64_t)> expect_items_;
  std::vector<items::Post> kept_;  // in arrival order
};

// Only invisible characters fold to nothing, and nothing is in every text: a `match` or
// `exclude` of them would act on every post.
std::optional<std::string> only_invisible(const char* name, const std::string& text, const char* effect) {
  if (text.empty() || !filter::caseless(text).empty()) return std::nullopt;
  return std::string(name).append(" holds only invisible characters, which are ignored: it would ").append(effect);
}

}  // namespace

StageInfo filter_stage() {
  return declare_stage<FilterSettings>("filter",
                                       "keeps the posts asked for (by kind, language, words) and numbers them as "
                                       "the day's posts, so the video counts and shows only those")
      .input(posts_in)
      .output(posts_out)
      .param("drop", &FilterSettings::drop, "[]",
             "kinds of post to leave out: replies, reposts, quotes, media (posts with photos or a video), "
             "own (the handle's own posts: neither a reply, a repost nor a quote)")
      .param("keep", &FilterSettings::keep, "[]",
             "when not empty, only posts of at least one of these kinds stay (the kinds of drop), and drop "
             "applies to them; keep=[own] is the handle's own posts only")
      .param("languages", &FilterSettings::languages, "[]",
             "when not empty, only posts in these languages stay: language codes as X detects them (en, fr, "
             "ja); und names posts whose language is unknown or which have none (only a link or hashtags)")
      .param("match", &FilterSettings::match, "",
             "when not empty, only posts whose text, as the card shows it, contains this stay; case, "
             "character width (ｶﾅ/カナ, ＡＢ/AB) and invisible joiners do not matter, accents do")
      .param("exclude", &FilterSettings::exclude, "",
             "posts whose text contains this are left out (compared as match is)")
      .rule({"drop"}, [](const FilterSettings& settings, const RunContext&) { return unknown_kind(settings.drop); })
      .rule({"keep"}, [](const FilterSettings& settings, const RunContext&) { return unknown_kind(settings.keep); })
      .rule({"keep", "drop"},
            [](const FilterSettings& settings, const RunContext&) -> std::optional<std::string> {
              // Every post kept for being of that kind would be dropped for the same reason.
              for (const auto& name : settings.keep)
                if (filter::post_kind_named(name) &&
                    std::find(settings.drop.begin(), settings.drop.end(), name) != settings.drop.end()) {
                  std::string message = "keep and drop both name '";
                  return message.append(name).append("': posts kept as ").append(name).append(
                      " would all be dropped again; name it in one of them");
                }
              return std::nullopt;
            })
      .rule({"languages"},
            [](const FilterSettings& settings, const RunContext&) -> std::optional<std::string> {
              // Every bad code at once: a list is often typed in one go.
              std::string problems;
              for (const auto& code : settings.languages)
                if (auto problem = filter::language_code_problem(code)) {
                  if (!problems.empty()) problems.append("; ");
                  problems.append(*problem);
                }
              if (problems.empty()) return std::nullopt;
              return problems;
            })
      .rule({"match"},
            [](const FilterSettings& settings, const RunContext&) {
              return only_invisible("match", settings.match, "keep every post");
            })
      .rule({"exclude"},
            [](const FilterSettings& settings, const RunContext&) {
              return only_invisible("exclude", settings.exclude, "leave out every post");
            })
      .rule({"exclude", "match"},
            [](const FilterSettings& settings, const RunContext&) -> std::optional<std::string> {
              const std::string match = filter::caseless(settings.match);
              const std::string exclude = filter::caseless(settings.exclude);
              if (match.empty() || exclude.empty() || match.find(exclude) == std::string::npos) return std::nullopt;
              std::string message = "every post that match '";
              return message.append(settings.match)
                  .append("' keeps contains '")
                  .append(settings.exclude)
                  .append("', so exclude would leave out all of them");
            })
      .creates<FilterStage>();
}

}  // namespace pipectl
