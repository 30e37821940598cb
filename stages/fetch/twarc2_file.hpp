// A twarc2 JSONL file (`twarc2 timeline HANDLE out.jsonl`, also `twarc2 search`): one raw X
// API v2 response page per line, as the API returned it, plus twarc's own "__twarc" key
// (request URL, version, time), which is ignored. Each line goes through the same page parser
// as the stored pages and the live client.
#pragma once

#include <functional>
#include <string>

#include "stored_pages.hpp"

namespace pipectl::fetch {

// The posts authored by `handle` (compared without case; the author comes from each page's
// includes.users), from every line; the user is their author. Throws std::runtime_error
// naming the file when it cannot be read. A line that is not a response page (bad JSON, an
// API error, a flattened one-post-per-line file) or a post that cannot be read is reported
// through `warn` as "file:line: ..." and skipped. An empty file or one without a post by
// `handle` gives an empty day whose user only has the handle as username.
StoredDay read_twarc2(const std::string& file, const std::string& handle,
                      const Warn& warn);

}  // namespace pipectl::fetch
