// Bluesky's rich text: a post record's `facets` (app.bsky.richtext.facet) into entities. A facet
// marks bytes [byteStart, byteEnd) of the UTF-8 text with features: #mention (a DID), #link (a
// URI; the text may show it shortened) or #tag (the tag without '#'). Entities count code points,
// so every range is moved from bytes to characters here.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "items/post.hpp"
#include "problems.hpp"

namespace pipectl::fetch {

// The entities of `facets` over `text` (the record's text as it came, even ill-formed: offsets
// are counted in characters of the text once repair_utf8 has made it readable). A facet whose
// range is not in the text or does not start and end on a character is dropped and noted
// (problem::bad_entities); so is one that is not an object. A facet with several features
// gives its first known one; a facet with none known gives nothing (a feature of a later
// lexicon, not an error). The caller still runs drop_bad_entities over the repaired text
// (empty and overlapping ranges, and an entity not on its text).
//   mention: text = the handle as the post shows it, without '@' (the DID is not shown)
//   link:    text = the URI, display_url = the text as the post shows it
//   tag:     text = the tag
std::vector<items::Entity> facet_entities(const std::string& text, const boost::json::value& facets,
                                          PostProblems& problems);

}  // namespace pipectl::fetch
