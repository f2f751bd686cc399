/*
 * The native baseline of the benchmark's "Java mover vs native loop" part: a plain read()/write()
 * loop with one aligned buffer, over the same files and with the same piece size as the Java
 * core's DataMover. Compiled with gcc by the benchmark at run time.
 *
 *   native_copy <buffer-bytes> <source> <target> [<source> <target> ...]
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
#include <time.h>
#include <unistd.h>

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

int main(int argc, char **argv) {
    if (argc < 4 || (argc - 2) % 2 != 0) {
        fprintf(stderr, "usage: native_copy <buffer-bytes> <source> <target> [<source> <target> ...]\n");
        return 2;
    }
    size_t size = (size_t) strtoull(argv[1], NULL, 10);
    int pairs = (argc - 2) / 2;
    int *in = calloc(pairs, sizeof(int));
    int *out = calloc(pairs, sizeof(int));
    void *buffer;
    if (posix_memalign(&buffer, 4096, size) != 0) {
        die("allocating", "buffer");
    }
    for (int i = 0; i < pairs; i++) {
        const char *from = argv[2 + 2 * i], *to = argv[3 + 2 * i];
        if ((in[i] = open(from, O_RDONLY)) < 0) die("opening", from);
        if ((out[i] = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0640)) < 0) die("creating", to);
    }

    long long bytes = 0, cpu0 = cpu_ns(), t0 = now_ns();
    for (int i = 0; i < pairs; i++) {
        for (;;) {
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
