#include "pipectl/write_errors.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>

namespace pipectl {

std::string write_error_text(int error_number) {
  switch (error_number) {
    case ENOSPC:
      return "no space left on device (the disk is full)";
    case EFBIG:
      return "file size limit exceeded (RLIMIT_FSIZE, `ulimit -f`, or the filesystem's largest file)";
    case EDQUOT:
      return "disk quota exceeded";
    case EROFS:
      return "read-only file system";
    default:
      break;
  }
  std::string text = std::strerror(error_number);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

bool is_out_of_room(int error_number) {
  return error_number == ENOSPC || error_number == EFBIG || error_number == EDQUOT;
}

}  // namespace pipectl
