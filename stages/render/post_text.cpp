#include "post_text.hpp"

namespace pipectl::render {

StyledText card_text(const items::Post& post) { return {post.text, {}}; }

StyledText card_text_of(std::string_view text) { return {std::string(text), {}}; }

}  // namespace pipectl::render
