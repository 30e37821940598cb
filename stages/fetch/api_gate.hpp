// A cap on simultaneous X API calls across every handle of a run, and so across the child
// processes of `pipectl run`: N slot files under the output folder, each held with flock()
// for the length of one call. The kernel drops a lock when its process dies, so a crashed or
// killed child never keeps a slot.
#pragma once

#include <filesystem>
#include <memory>

namespace pipectl::fetch {

// Set once per run, before the handles start (pipectl run does it from --api-concurrency).
// Processes forked afterwards share the slots. `folder` is made at the first call. Until this is
// called, calls are capped per process only (at `slots` = 4).
void configure_api_gate(int slots, const std::filesystem::path& folder);

// The cap in force (configured, or the default).
int api_gate_slots();

// Holds one slot while it lives; the constructor waits for a free one.
class ApiSlot {
 public:
  ApiSlot();
  ~ApiSlot();
  ApiSlot(const ApiSlot&) = delete;
  ApiSlot& operator=(const ApiSlot&) = delete;

 private:
  int fd_ = -1;     // the locked slot file, when slots are shared across processes
  bool local_ = false;  // a slot of the per-process counter
};

}  // namespace pipectl::fetch
