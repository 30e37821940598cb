#include "stored_page_names.hpp"

#include <algorithm>
#include <cctype>

namespace pipectl::fetch {

bool is_page_name(const std::string& name) {
  return !name.empty() && name.size() < 200 && std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
         });
}

}  // namespace pipectl::fetch
