// Text that servers get wrong, made readable instead of refused. X cuts long texts by UTF-16
// units and can leave half of a surrogate pair ("\ud83d" alone), which strict JSON parsers
// reject along with the whole page; files can hold bytes that are not UTF-8. Both become
// U+FFFD in the one string they are in, and are counted so the post can be named in a warning.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipectl::fetch {

// JSON text with every lone surrogate escape inside a string (\uD800-\uDFFF not part of a
// high-low pair) rewritten as the three bytes that encode that surrogate. These bytes are not
// UTF-8: a parser that accepts invalid UTF-8 keeps them, and repair_utf8 turns them into
// U+FFFD in the string they belong to. nullopt when the text has none (nothing to copy).
std::optional<std::string> mark_lone_surrogates(std::string_view json_text);

// Replaces each ill-formed UTF-8 sequence of `text` by U+FFFD; returns how many it replaced.
int repair_utf8(std::string& text);

// Where each character of `text` starts, in bytes, as repair_utf8 reads it (an ill-formed
// stretch that becomes one U+FFFD is one character), and text.size() last: character k of the
// repaired text came from bytes [starts[k], starts[k + 1]) of `text`. For offsets that count
// the bytes of a text (Bluesky's facets) as code points of the text pipectl keeps.
std::vector<std::size_t> character_starts(std::string_view text);

// repair_utf8 on every string (and object key) inside `value`; returns the total.
int repair_strings(boost::json::value& value);

}  // namespace pipectl::fetch
