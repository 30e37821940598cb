// The few values pipectl reads from an S3 server's XML answers (an UploadId, an error's Code and
// Message): found by element name, entities decoded, without an XML parser. The documents are
// small and flat, and anything that is not the element looked for is skipped.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pipectl::cli {

// The text of the first <name>...</name> (or <name attributes...>...</name>; <name/> is empty)
// in `xml`, with &amp; &lt; &gt; &quot; &apos; and &#...; decoded; nothing when there is none.
// Child elements inside it are kept as they are (the elements read here have none).
std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name);

// "Code: Message" of an S3 <Error> document, for error messages: control characters replaced by
// spaces, cut to a few hundred bytes. Empty when `body` is not one.
std::string s3_error_summary(std::string_view body);

}  // namespace pipectl::cli
