#include "io_natives.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "boundary.h"
#include "java_bridge.h"
#include "memory_instrument.h"

namespace jclone {
namespace {

constexpr const char *kIoNatives = "org/jclone/jni/IoNatives";

// Linux numbers errors from 1 to about 133; the table is searched up to here.
constexpr int kLastErrno = 255;

jint io_identify(JNIEnv *env, jclass, jint fd, jlongArray device_and_inode) {
  struct stat status;
  if (fstat(fd, &status) != 0) return errno;
  jlong values[2] = {static_cast<jlong>(status.st_dev), static_cast<jlong>(status.st_ino)};
  env->SetLongArrayRegion(device_and_inode, 0, 2, values);
  return env->ExceptionCheck() ? EINVAL : 0;
}

jint io_status_flags(JNIEnv *, jclass, jint fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags == -1 ? -errno : flags;
}

jlong io_file_system_type(JNIEnv *, jclass, jint fd) {
  struct statfs status;
  if (fstatfs(fd, &status) != 0) return -errno;
  return static_cast<jlong>(static_cast<unsigned long>(status.f_type));
}

// The system call itself, not a C library emulation of it.
jlong io_copy_file_range(JNIEnv *, jclass, jint from_fd, jlong from_offset, jint to_fd,
                         jlong to_offset, jlong length) {
  loff_t from = from_offset;
  loff_t to = to_offset;
  for (;;) {
    long copied = syscall(SYS_copy_file_range, from_fd, &from, to_fd, &to,
                          static_cast<size_t>(length), 0u);
    if (copied >= 0) return copied;
    if (errno != EINTR) return -errno;
  }
}

// One call: with SYNC_FILE_RANGE_WRITE alone the kernel starts write-back and returns.
jint io_sync_file_range(JNIEnv *, jclass, jint fd, jlong offset, jlong length, jint flags) {
  for (;;) {
    if (sync_file_range(fd, static_cast<off64_t>(offset), static_cast<off64_t>(length),
                        static_cast<unsigned int>(flags)) == 0) {
      return 0;
    }
    if (errno != EINTR) return -errno;
  }
}

// Linux keeps the nice value per thread: nice(2) changes the calling thread only. It may
// legitimately return -1, so errno tells failure apart.
jint io_raise_thread_nice(JNIEnv *, jclass, jint increment) {
  errno = 0;
  if (nice(increment) == -1 && errno != 0) return -errno;
  return 0;
}

jobject io_allocate(JNIEnv *env, jclass, jlong size, jint alignment) {
  if (size <= 0 || alignment < 64 || (alignment & (alignment - 1)) != 0) return nullptr;
  void *memory = allocate_instrumented(static_cast<size_t>(size), static_cast<size_t>(alignment));
  if (memory == nullptr) return nullptr;
  jobject buffer = env->NewDirectByteBuffer(memory, size);
  if (buffer == nullptr) {
    env->ExceptionClear();
    free_instrumented(memory);
  }
  return buffer;
}

void io_release(JNIEnv *env, jclass, jobject buffer) {
  if (buffer == nullptr) return;
  free_instrumented(env->GetDirectBufferAddress(buffer));
}

jint io_advise_huge_pages(JNIEnv *env, jclass, jobject buffer) {
  if (buffer == nullptr) return -EINVAL;
  void *address = env->GetDirectBufferAddress(buffer);
  jlong capacity = env->GetDirectBufferCapacity(buffer);
  if (address == nullptr || capacity <= 0) return -EINVAL;
  return madvise(address, static_cast<size_t>(capacity), MADV_HUGEPAGE) == 0 ? 0 : -errno;
}

jint io_errno_of(JNIEnv *env, jclass, jstring text) {
  if (text == nullptr) return 0;
  const char *wanted = env->GetStringUTFChars(text, nullptr);
  if (wanted == nullptr) {
    env->ExceptionClear();
    return 0;
  }
  int found = 0;
  char scratch[256];
  for (int code = 1; code <= kLastErrno && found == 0; code++) {
    // GNU strerror_r: the text may be returned instead of written to scratch.
    const char *known = strerror_r(code, scratch, sizeof(scratch));
    if (known != nullptr && strcmp(known, wanted) == 0) found = code;
  }
  env->ReleaseStringUTFChars(text, wanted);
  return found;
}

jstring io_error_text(JNIEnv *env, jclass, jint code) {
  char scratch[256];
  jstring text = env->NewStringUTF(strerror_r(code, scratch, sizeof(scratch)));
  if (text == nullptr) env->ExceptionClear();
  return text;
}

// As in natives.cc: each native runs inside JniGuard, so no C++ exception unwinds into the JVM.
const JNINativeMethod io_methods[] = {
    NATIVE("identify", "(I[J)I", io_identify),
    NATIVE("statusFlags", "(I)I", io_status_flags),
    NATIVE("fileSystemType", "(I)J", io_file_system_type),
    NATIVE("copyFileRange", "(IJIJJ)J", io_copy_file_range),
    NATIVE("syncFileRange", "(IJJI)I", io_sync_file_range),
    NATIVE("raiseThreadNice", "(I)I", io_raise_thread_nice),
    NATIVE("allocate", "(JI)Ljava/nio/ByteBuffer;", io_allocate),
    NATIVE("release", "(Ljava/nio/ByteBuffer;)V", io_release),
    NATIVE("adviseHugePages", "(Ljava/nio/ByteBuffer;)I", io_advise_huge_pages),
    NATIVE("errnoOf", "(Ljava/lang/String;)I", io_errno_of),
    NATIVE("errorText", "(I)Ljava/lang/String;", io_error_text),
};


}  // namespace

bool register_io_natives(JNIEnv *env, std::string *error) {
  register_memory_instrument();
  // The core's classes live in this INSTALL's class loader, not on the JVM's class path.
  jclass type = core_class(env, kIoNatives);
  if (type == nullptr ||
      env->RegisterNatives(type, io_methods, sizeof(io_methods) / sizeof(io_methods[0])) != JNI_OK) {
    env->ExceptionClear();
    if (type != nullptr) env->DeleteLocalRef(type);
    *error = std::string("cannot bind the native methods of ") + kIoNatives;
    return false;
  }
  env->DeleteLocalRef(type);
  return true;
}

void unregister_io_natives(JNIEnv *env) {
  jclass type = core_class(env, kIoNatives);
  if (type != nullptr) {
    env->UnregisterNatives(type);
    env->DeleteLocalRef(type);
  }
  env->ExceptionClear();
}

}  // namespace jclone
