// The official X/Twitter archive ("Download an archive of your data"), unzipped:
//   <archive>/data/account.js         window.YTD.account.part0 = [{"account": {"username", ...}}]
//   <archive>/data/profile.js         window.YTD.profile.part0 = [{"profile": {"avatarMediaUrl"}}]
//   <archive>/data/tweets.js          window.YTD.tweets.part0 = [{"tweet": {...v1.1 tweet...}}, ...]
//   <archive>/data/tweets-part1.js    further parts of large archives (older archives: tweet.js,
//                                     tweet-part1.js, entries without the "tweet" wrapper)
//   <archive>/data/tweets_media/<tweet id>-<file name of media_url_https>   the photos
//   <archive>/data/profile_media/<account id>-<file name of avatarMediaUrl> the avatar
// Local media files become file:// URLs; media the archive does not hold (a video's preview
// image) keep their https URL.
#pragma once

#include <functional>
#include <string>

#include "stored_pages.hpp"

namespace pipectl::fetch {

// `archive_dir` is the folder holding data/. Throws std::runtime_error naming the file when
// the archive belongs to another account than `handle` (compared without case), or when the
// account (account.js, else manifest.js) or a tweets file is missing or unreadable. A tweet
// that cannot be read is reported through `warn`, naming the file and tweet id, and skipped;
// so is a broken profile.js (the avatar is then unknown).
StoredDay read_x_archive(const std::string& archive_dir, const std::string& handle,
                         const Warn& warn);

}  // namespace pipectl::fetch
