// How the process's allocator treats a card's buffers. Called first thing by every program
// that makes cards (pipectl, bench-render), so they measure and run the same way.
#pragma once

namespace pipectl {

// A card's buffers (I420 frame, decoded photos) are megabytes each and short-lived. glibc's
// default raises its mmap threshold to the largest block freed so far and then keeps such
// blocks in per-thread arenas, so a handle's process grew to ~200 MiB of mostly free memory.
// A fixed 256 KiB threshold returns them to the system on free() (at the price of page faults
// when the next one is touched), and two arenas are enough for a handle's few threads.
void tune_allocator_for_cards();

}  // namespace pipectl
