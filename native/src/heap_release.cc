#include "heap_release.h"

#include <unistd.h>

#include <cstdio>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace jclone {
namespace {

// Resident pages of this process (second field of /proc/self/statm), or -1.
long resident_pages() {
  FILE *statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return -1;
  long size = 0;
  long resident = -1;
  if (std::fscanf(statm, "%ld %ld", &size, &resident) != 2) resident = -1;
  std::fclose(statm);
  return resident;
}

}  // namespace

// A clone's threads (InnoDB's clone code on our workers, the JVM's own allocations) free what they
// malloc'ed, but glibc keeps freed chunks inside its arenas: only a free block at an arena's top
// above M_TRIM_THRESHOLD goes back, and that threshold rises with the dynamic mmap threshold. So
// mysqld's RSS kept a clone's peak. malloc_trim(0) hands every arena's whole free pages back
// (madvise), which costs a walk of the free lists once per clone.
std::string release_free_heap() {
#if defined(__GLIBC__)
  long before = resident_pages();
  malloc_trim(0);
  long after = resident_pages();
  if (before < 0 || after < 0) return "";
  long page_kib = sysconf(_SC_PAGESIZE) / 1024;
  return "Clone plugin gave freed C heap memory back to the OS after the clone: mysqld's resident size " +
         std::to_string(before * page_kib) + " KiB -> " + std::to_string(after * page_kib) + " KiB";
#else
  return "";
#endif
}

}  // namespace jclone
