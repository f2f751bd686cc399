#include "memory_instrument.h"

#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

// The server's PSI memory service (8.0.22 and later, version 2): a table of
// function pointers reached through the exported C variable psi_memory_service.
struct PSI_thread;
struct PsiMemoryInfo {
  unsigned int *key;
  const char *name;
  unsigned int flags;
  int volatility;
  const char *documentation;
};
struct PsiMemoryService {
  void (*register_memory)(const char *category, PsiMemoryInfo *info, int count);
  unsigned int (*memory_alloc)(unsigned int key, size_t size, PSI_thread **owner);
  void *memory_realloc;
  void *memory_claim;
  void (*memory_free)(unsigned int key, size_t size, PSI_thread *owner);
};
extern "C" PsiMemoryService *psi_memory_service;

namespace jclone {
namespace {

unsigned int data_key = 0;
bool usable = false;

// The service is only used when its slots are performance_schema's own
// functions, which proves this layout (with performance_schema off it is a
// no-op table and nothing is accounted).
bool service_matches() {
  if (psi_memory_service == nullptr) return false;
  void *reg = dlsym(RTLD_DEFAULT, "_Z22pfs_register_memory_vcPKcP18PSI_memory_info_v1i");
  void *alloc = dlsym(RTLD_DEFAULT, "_Z19pfs_memory_alloc_vcjmPP10PSI_thread");
  void *release = dlsym(RTLD_DEFAULT, "_Z18pfs_memory_free_vcjmP10PSI_thread");
  return reg != nullptr && alloc != nullptr && release != nullptr &&
         reinterpret_cast<void *>(psi_memory_service->register_memory) == reg &&
         reinterpret_cast<void *>(psi_memory_service->memory_alloc) == alloc &&
         reinterpret_cast<void *>(psi_memory_service->memory_free) == release;
}

// Sits right before the memory handed out: what the matching free must report.
struct Header {
  size_t size;
  size_t offset;  // from the start of the mapping to the memory handed out
  size_t length;  // of the mapping
  PSI_thread *owner;
  unsigned int key;
};

Header *header_of(void *memory) {
  return reinterpret_cast<Header *>(static_cast<unsigned char *>(memory) - sizeof(Header));
}

}  // namespace

void register_memory_instrument() {
  if (usable) return;
  if (!service_matches()) return;
  static PsiMemoryInfo info[] = {{&data_key, "data", 0, 0, "Clone data buffers"}};
  psi_memory_service->register_memory("clone", info, 1);
  usable = data_key != 0;
}

// Mapped and unmapped, not malloc'ed: glibc raises its mmap threshold after the first free of a
// large block and then serves later buffers from its arenas, which keep the memory after free;
// mysqld's resident size would keep a clone's buffers after the clone.
void *allocate_instrumented(size_t size, size_t alignment) {
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  // The header gets the end of a whole unit of its own in front of the memory; a mapping starts
  // page-aligned, so a larger alignment needs room to move the memory up to it.
  size_t unit = alignment > page ? alignment : page;
  size_t slack = alignment > page ? alignment - page : 0;
  size_t length = size + unit + slack;
  void *block = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) return nullptr;
  uintptr_t start = reinterpret_cast<uintptr_t>(block) + unit;
  start = (start + alignment - 1) & ~(static_cast<uintptr_t>(alignment) - 1);
  void *memory = reinterpret_cast<void *>(start);
  Header *header = header_of(memory);
  header->size = size;
  header->offset = start - reinterpret_cast<uintptr_t>(block);
  header->length = length;
  header->owner = nullptr;
  header->key = usable ? psi_memory_service->memory_alloc(data_key, size, &header->owner) : 0;
  return memory;
}

void free_instrumented(void *memory) {
  if (memory == nullptr) return;
  Header *header = header_of(memory);
  if (header->key != 0) psi_memory_service->memory_free(header->key, header->size, header->owner);
  munmap(static_cast<unsigned char *>(memory) - header->offset, header->length);
}

}  // namespace jclone
