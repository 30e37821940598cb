// The twarc2 JSONL reader: the input is the file (one API response page a line), read for the
// handle of the fixtures' twarc2 file; warnings are counted, not printed.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "twarc2_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const pipectl::fuzz::ScratchFolder scratch("twarc2");
  const auto file = scratch.write("timeline.jsonl", pipectl::fuzz::as_text(data, size));
  std::size_t warnings = 0;
  try {
    auto day = pipectl::fetch::read_twarc2(file.string(), "lumen_atlas",
                                           [&warnings](const std::string&) { ++warnings; });
    (void)day;
  } catch (const std::runtime_error&) {
    // The file cannot be read: not expected here, but not a bug of the parser either.
  }
  return 0;
}
