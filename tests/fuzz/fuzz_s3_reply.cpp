// The few values read from an S3 server's XML answers (tools/pipectl/s3_reply): the input is
// an answer's body. An UploadId, Code or Message found is never longer than the body (entities
// only shrink), and an error summary stays short and free of control characters.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "s3_reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl::cli;
  const std::string_view body = pipectl::fuzz::as_text(data, size);
  for (const char* name : {"UploadId", "Code", "Message", "ETag"})
    if (auto text = xml_element_text(body, name); text && text->size() > body.size()) __builtin_trap();
  const std::string summary = s3_error_summary(body);
  if (summary.size() > 404) __builtin_trap();
  for (char c : summary)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) __builtin_trap();
  return 0;
}
