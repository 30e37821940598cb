// What a failed write means to the person running pipectl. strerror's "File too large" for
// EFBIG reads like a fault of the file, when it is nearly always the process's size limit
// (RLIMIT_FSIZE: `ulimit -f`, a batch system's file-size cap); "No space left on device" does
// not say that the run can go on once room is made. Used by encode (videos) and download-media
// (the picture cache), whose errors name the file themselves.
#pragma once

#include <string>

namespace pipectl {

// The reason for errno `error_number` after a failed write, create or rename:
//   ENOSPC  "no space left on device (the disk is full)"
//   EFBIG   "file size limit exceeded (RLIMIT_FSIZE, `ulimit -f`, or the filesystem's largest file)"
//   EDQUOT  "disk quota exceeded"
//   EROFS   "read-only file system"
// and strerror's text, in lower case, for any other.
std::string write_error_text(int error_number);

// Whether `error_number` says the disk or a size limit refused the bytes (ENOSPC, EFBIG, EDQUOT).
bool is_out_of_room(int error_number);

}  // namespace pipectl
