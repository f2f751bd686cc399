/*
 * The native baseline of the benchmark's "Java mover vs native loop" part: a plain read()/write()
 * loop with one aligned buffer, over the same files and with the same piece size as the Java
 * core's DataMover. Compiled with gcc by the benchmark at run time.
 *
 *   native_copy [--direct] <buffer-bytes> <source> <target> [<source> <target> ...]
 *
 * --direct opens every source and target with O_DIRECT, as InnoDB opens its files with
 * innodb_flush_method=O_DIRECT (the buffer is 4096-aligned; give a buffer size that is a multiple
 * of 4096). O_DIRECT needs offsets and lengths aligned to 4096 bytes: .ibd files are multiples of
 * 16 KiB, so every piece is; a file whose size is not a multiple of 4096 has O_DIRECT cleared with
 * fcntl(F_SETFL) on both its descriptors for the last, unaligned piece, which then goes through the
 * page cache (as the Java mover does for an unaligned piece).
 *
 * Opens every file first, copies them in order, then fsyncs every target, and prints
 *   bytes=<n> loop_ns=<n> fsync_ns=<n> cpu_ns=<n>
 * where cpu_ns is user+system CPU time of the copy loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ALIGNMENT 4096

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cpu_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL
           + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

static void die(const char *what, const char *path) {
    fprintf(stderr, "native_copy: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static void clear_direct(int fd, const char *path) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_DIRECT) != 0) die("clearing O_DIRECT on", path);
}

int main(int argc, char **argv) {
    int direct = argc > 1 && strcmp(argv[1], "--direct") == 0;
    argv += direct;
    argc -= direct;
    if (argc < 4 || (argc - 2) % 2 != 0) {
        fprintf(stderr, "usage: native_copy [--direct] <buffer-bytes> <source> <target> [<source> <target> ...]\n");
        return 2;
    }
    size_t size = (size_t) strtoull(argv[1], NULL, 10);
    if (direct && (size == 0 || size % ALIGNMENT != 0)) {
        fprintf(stderr, "native_copy: --direct needs a buffer size that is a multiple of %d\n", ALIGNMENT);
        return 2;
    }
    int pairs = (argc - 2) / 2;
    int *in = calloc(pairs, sizeof(int));
    int *out = calloc(pairs, sizeof(int));
    long long *length = calloc(pairs, sizeof(long long));
    void *buffer;
    if (posix_memalign(&buffer, ALIGNMENT, size) != 0) {
        die("allocating", "buffer");
    }
    int extra = direct ? O_DIRECT : 0;
    for (int i = 0; i < pairs; i++) {
        const char *from = argv[2 + 2 * i], *to = argv[3 + 2 * i];
        struct stat st;
        if ((in[i] = open(from, O_RDONLY | extra)) < 0) die("opening", from);
        if ((out[i] = open(to, O_WRONLY | O_CREAT | O_TRUNC | extra, 0640)) < 0) die("creating", to);
        if (fstat(in[i], &st) != 0) die("stat of", from);
        length[i] = st.st_size;
    }

    long long bytes = 0, cpu0 = cpu_ns(), t0 = now_ns();
    for (int i = 0; i < pairs; i++) {
        for (long long offset = 0;;) {
            if (direct && length[i] - offset < (long long) size && (length[i] - offset) % ALIGNMENT != 0) {
                clear_direct(in[i], argv[2 + 2 * i]); /* the unaligned tail, through the page cache */
                clear_direct(out[i], argv[3 + 2 * i]);
            }
            ssize_t got = read(in[i], buffer, size);
            if (got < 0) {
                if (errno == EINTR) continue;
                die("reading", argv[2 + 2 * i]);
            }
            if (got == 0) break;
            for (ssize_t done = 0; done < got;) {
                ssize_t put = write(out[i], (char *) buffer + done, got - done);
                if (put < 0) {
                    if (errno == EINTR) continue;
                    die("writing", argv[3 + 2 * i]);
                }
                done += put;
            }
            offset += got;
            bytes += got;
        }
    }
    long long t1 = now_ns(), cpu1 = cpu_ns();
    for (int i = 0; i < pairs; i++) {
        if (fsync(out[i]) != 0) die("syncing", argv[3 + 2 * i]);
    }
    long long t2 = now_ns();
    for (int i = 0; i < pairs; i++) {
        close(in[i]);
        close(out[i]);
    }
    printf("bytes=%lld loop_ns=%lld fsync_ns=%lld cpu_ns=%lld\n", bytes, t1 - t0, t2 - t1, cpu1 - cpu0);
    return 0;
}
