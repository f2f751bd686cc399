#include "guest_options.h"

namespace jclone {

const std::vector<GuestOptionGroup> &guest_option_groups() {
  static const std::vector<GuestOptionGroup> groups = {
      // Clone data lives in native buffers (memory/clone/data), never on the heap: the heap
      // holds the core's objects, a few MiB at most with 256M buffers and 128 tasks (measured,
      // docs/benchmarks.md). A heap that may grow past that only ever grows mysqld's RSS.
      {"heap size",
       {"-Xms8m", "-Xmx32m"},
       {"-Xms", "-Xmx", "-XX:InitialHeapSize=", "-XX:MaxHeapSize=", "-XX:MinHeapSize=",
        "-XX:MaxRAM", "-XX:InitialRAMPercentage=", "-XX:MinRAMPercentage="}},
      // One collector thread instead of one per host CPU; with these ratios a collection
      // after a clone gives the heap it no longer needs back to the OS.
      {"collector",
       {"-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30"},
       {"-XX:+UseSerialGC", "-XX:-UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseG1GC",
        "-XX:+UseZGC", "-XX:+UseShenandoahGC", "-XX:+UseEpsilonGC", "-XX:MinHeapFreeRatio=",
        "-XX:MaxHeapFreeRatio="}},
      // The core's hot code is a copy loop: C1 alone compiles it well enough, on one compiler
      // thread instead of threads (and code cache) sized to the host.
      {"JIT compiler",
       {"-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1"},
       {"-XX:TieredStopAtLevel=", "-XX:CICompilerCount=", "-XX:+TieredCompilation",
        "-XX:-TieredCompilation", "-XX:+CICompilerCountPerCPU", "-Xint", "-Xcomp", "-Xmixed"}},
      // HotSpot raises RLIMIT_NOFILE to the hard limit by default; the limit is mysqld's
      // (open_files_limit) and stays as mysqld set it.
      {"file descriptor limit", {"-XX:-MaxFDLimit"}, {"-XX:+MaxFDLimit", "-XX:-MaxFDLimit"}},
  };
  return groups;
}

}  // namespace jclone
