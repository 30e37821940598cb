#include "card_memory.hpp"

#include <malloc.h>

namespace pipectl {

void tune_allocator_for_cards() {
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  mallopt(M_ARENA_MAX, 2);
}

}  // namespace pipectl
