/*
 * The benchmark's stand-in for the plugin's memory natives (native/src/io_natives.cc), so that the
 * Java mover measured in the benchmark's JVM stages its pieces in memory like the one inside
 * mysqld: mapped outside the JVM, untouched until used, and madvise'd MADV_HUGEPAGE where the
 * mover asks (the JVM's own direct buffers are zeroed when allocated, too late for madvise).
 * Compiled with gcc by the benchmark at run time against the running JDK's jni.h.
 */
#include <errno.h>
#include <jni.h>
#include <stdint.h>
#include <sys/mman.h>

/* The mapping's start and length are kept in the 16 bytes in front of the memory. */
JNIEXPORT jobject JNICALL Java_org_jclone_it_bench_MoverMemory_allocate0(JNIEnv *env, jclass cls,
                                                                       jlong size, jint alignment) {
    (void) cls;
    if (size <= 0 || alignment < 16 || (alignment & (alignment - 1)) != 0) return NULL;
    size_t length = (size_t) size + (size_t) alignment * 2;
    void *block = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED) return NULL;
    uintptr_t start = ((uintptr_t) block + alignment + alignment - 1) & ~((uintptr_t) alignment - 1);
    ((uintptr_t *) start)[-2] = (uintptr_t) block;
    ((uintptr_t *) start)[-1] = length;
    jobject buffer = (*env)->NewDirectByteBuffer(env, (void *) start, size);
    if (buffer == NULL) munmap(block, length);
    return buffer;
}

JNIEXPORT void JNICALL Java_org_jclone_it_bench_MoverMemory_release0(JNIEnv *env, jclass cls, jobject buffer) {
    (void) cls;
    uintptr_t *start = (*env)->GetDirectBufferAddress(env, buffer);
    if (start != NULL) munmap((void *) start[-2], (size_t) start[-1]);
}

JNIEXPORT jint JNICALL Java_org_jclone_it_bench_MoverMemory_adviseHugePages0(JNIEnv *env, jclass cls,
                                                                           jobject buffer) {
    (void) cls;
    void *address = (*env)->GetDirectBufferAddress(env, buffer);
    jlong capacity = (*env)->GetDirectBufferCapacity(env, buffer);
    if (address == NULL || capacity <= 0) return -EINVAL;
    return madvise(address, (size_t) capacity, MADV_HUGEPAGE) == 0 ? 0 : -errno;
}
