#!/usr/bin/env python3
"""Sums mysqld's resident memory by category from the benchmark's guest-part snapshots (issue 16).

    python3 scripts/guest-memory.py integration-tests/target/bench/guest-memory/with-clones-{before,after,idle}

Each directory holds a copy of /proc/<mysqld>/smaps and performance_schema's memory instruments in use
(pfs-memory), written by the benchmark (bench/MemorySnapshot.java). Prints a Markdown table: Rss per
category in each snapshot, MiB, and the change from the first to the last. The categories come from the
mappings' shapes, not from labels the kernel has, so they are a reading of the layout:
- InnoDB buffer pool: the anonymous mapping whose size is closest to memory/innodb/buf_buf_pool;
- glibc malloc arenas: [heap] (the main arena) and anonymous mappings at a 64 MiB boundary no larger
  than 64 MiB (the other arenas' heaps);
- JVM heap: anonymous mappings between 2 and 4 GiB (HotSpot puts a compressed-oops heap such as the
  plugin's -Xmx32m just below 4 GiB);
- JVM code cache: anonymous executable mappings;
- JVM metaspace + CDS archive: classes.jsa and the anonymous mappings from 68 MiB below it to 1 GiB
  above it (metaspace nodes, compressed class space);
- thread stacks: [stack] and anonymous mappings of at most 16 MiB right after an anonymous guard
  (---p) mapping;
- file-backed: mysqld's and the libraries' pages (libjvm included);
- other anonymous: the rest, mostly mysqld's large allocations (performance_schema, log buffers).
"""
import collections
import re
import sys

OTHER = "other anonymous (performance_schema, log buffers, ...)"


def parse(directory):
    maps = []
    for line in open(directory + "/smaps"):
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
        if m:
            maps.append({"s": int(m.group(1), 16), "e": int(m.group(2), 16), "p": m.group(3),
                         "n": m.group(4).strip(), "rss": 0})
            continue
        m = re.match(r"^Rss:\s+(\d+)", line)
        if m:
            maps[-1]["rss"] = int(m.group(1))
    instruments = {}
    for line in open(directory + "/pfs-memory"):
        name, value = line.rsplit(" ", 1)
        instruments[name] = int(value)
    return maps, instruments


def category(i, m, maps, pool, jsa):
    name, size = m["n"], m["e"] - m["s"]
    if name == "[heap]":
        return "glibc malloc arenas"
    if name.startswith("[stack"):
        return "thread stacks"
    if name.startswith("["):
        return "kernel ([vdso] and the like)"
    if name.endswith("classes.jsa"):
        return "JVM metaspace + CDS archive"
    if name:
        return "file-backed (mysqld, libraries incl. libjvm)"
    if m is pool:
        return "InnoDB buffer pool"
    if m["s"] >= 1 << 31 and m["e"] <= 1 << 32:
        return "JVM heap"
    if "x" in m["p"]:
        return "JVM code cache"
    if jsa and jsa["s"] - (68 << 20) <= m["s"] < jsa["e"] + (1 << 30):
        return "JVM metaspace + CDS archive"
    if m["s"] % (64 << 20) == 0 and size <= 64 << 20:
        return "glibc malloc arenas"
    before = maps[i - 1] if i > 0 else None
    if before and before["p"] == "---p" and before["e"] == m["s"] and not before["n"] and size <= 16 << 20:
        return "thread stacks"
    return OTHER


def summary(directory):
    maps, instruments = parse(directory)
    pool_bytes = instruments.get("memory/innodb/buf_buf_pool", 0)
    anonymous = [m for m in maps if not m["n"]]
    pool = min(anonymous, key=lambda m: abs((m["e"] - m["s"]) - pool_bytes)) if pool_bytes else None
    jsa = next((m for m in maps if m["n"].endswith("classes.jsa")), None)
    sums = collections.Counter()
    for i, m in enumerate(maps):
        sums[category(i, m, maps, pool, jsa)] += m["rss"]
    return sums


def main(directories):
    sums = [summary(d) for d in directories]
    names = sorted(set().union(*sums), key=lambda c: -max(s[c] for s in sums))
    print("| Rss, MiB | " + " | ".join(d.rstrip("/").split("/")[-1] for d in directories) + " | change |")
    print("| --- |" + " --- |" * (len(directories) + 1))
    for name in names + ["total"]:
        values = [sum(s.values()) if name == "total" else s[name] for s in sums]
        print("| %s | %s | %+.1f |" % (name, " | ".join("%.1f" % (v / 1024) for v in values),
                                        (values[-1] - values[0]) / 1024))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
