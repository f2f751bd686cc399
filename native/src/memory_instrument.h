// Native memory of the clone's data buffers, accounted in performance_schema
// as memory/clone/data (the instrument MySQL's clone plugin uses).
#pragma once

#include <cstddef>

namespace jclone {

// Registers memory/clone/data with the server's PSI memory service; safe to call again.
void register_memory_instrument();

// size bytes aligned to alignment (a power of two, at least 64), or nullptr.
void *allocate_instrumented(size_t size, size_t alignment);

// Gives back what allocate_instrumented returned; nullptr is ignored.
void free_instrumented(void *memory);

}  // namespace jclone
