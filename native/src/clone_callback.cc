#include "clone_callback.h"

#include <unistd.h>

#include "java_bridge.h"
#include "natives.h"

namespace jclone {
namespace {

// Any nonzero code tells InnoDB to stop; the Java task keeps the real error.
constexpr int kCallbackFailed = 1815;  // ER_INTERNAL_ERROR

// Bits of the flags word passed to Java (mirrored in CloneCallbacks.java).
// Whether a descriptor is O_DIRECT the Java mover learns once per file.
constexpr int kJavaOsCache = 0x1;
constexpr int kJavaZeroCopy = 0x2;

// Deletes the local references a callback creates: the copy loop never
// returns to Java, so they would otherwise pile up for the whole clone.
class LocalFrame {
 public:
  explicit LocalFrame(JNIEnv *env) : env_(env), ok_(env->PushLocalFrame(8) == 0) {}
  ~LocalFrame() {
    if (ok_) env_->PopLocalFrame(nullptr);
  }
  bool ok() const { return ok_; }

 private:
  JNIEnv *env_;
  bool ok_;
};

int descriptor(const Ha_clone_file &file) {
  return file.type == Ha_clone_file::FILE_DESC ? file.file_desc : -1;
}

}  // namespace

JavaCloneCallback::JavaCloneCallback(JNIEnv *env, jobject handler, unsigned int buffer_size)
    : env_(env), handler_(handler) {
  set_client_buffer_size(buffer_size);
}

int JavaCloneCallback::flags_for_java() const {
  int flags = 0;
  if (is_os_buffer_cache()) flags |= kJavaOsCache;
  if (is_zero_copy()) flags |= kJavaZeroCopy;
  return flags;
}

int JavaCloneCallback::file_cbk(Ha_clone_file from_file, unsigned int len) {
  int fd = descriptor(from_file);
  off_t offset = fd >= 0 ? lseek(fd, 0, SEEK_CUR) : -1;
  if (offset < 0) return kCallbackFailed;
  LocalFrame frame(env_);
  if (!frame.ok()) return kCallbackFailed;
  jint error = env_->CallIntMethod(handler_, callback_ids().on_file_data,
                                   reinterpret_cast<jlong>(this), fd, static_cast<jlong>(offset),
                                   static_cast<jint>(len), flags_for_java());
  if (clear_pending_exception(env_, "clone file callback")) return kCallbackFailed;
  // The contract: the source offset ends where reading len bytes would leave it.
  if (error == 0 && lseek(fd, offset + len, SEEK_SET) < 0) return kCallbackFailed;
  return error;
}

int JavaCloneCallback::buffer_cbk(unsigned char *from_buffer, unsigned int len) {
  LocalFrame frame(env_);
  if (!frame.ok()) return kCallbackFailed;
  jobject buffer = from_buffer != nullptr && len > 0
                       ? env_->NewDirectByteBuffer(from_buffer, static_cast<jlong>(len))
                       : nullptr;
  if (buffer == nullptr && from_buffer != nullptr && len > 0) {
    clear_pending_exception(env_, "clone buffer callback: no Java memory for a buffer view");
    return kCallbackFailed;
  }
  uint64_t estimate = 0;
  bool state_change = is_state_change(estimate);
  jint error = env_->CallIntMethod(handler_, callback_ids().on_buffer_data,
                                   reinterpret_cast<jlong>(this), buffer,
                                   state_change ? JNI_TRUE : JNI_FALSE,
                                   static_cast<jlong>(estimate));
  if (clear_pending_exception(env_, "clone buffer callback")) return kCallbackFailed;
  return error;
}

int JavaCloneCallback::apply_file_cbk(Ha_clone_file to_file) {
  int fd = descriptor(to_file);
  off_t offset = fd >= 0 ? lseek(fd, 0, SEEK_CUR) : -1;
  if (offset < 0) return kCallbackFailed;
  LocalFrame frame(env_);
  if (!frame.ok()) return kCallbackFailed;
  jlong written = env_->CallLongMethod(handler_, callback_ids().on_apply_file,
                                       reinterpret_cast<jlong>(this), fd,
                                       static_cast<jlong>(offset), flags_for_java());
  if (clear_pending_exception(env_, "clone apply-file callback")) return kCallbackFailed;
  if (written < 0) return static_cast<int>(-written);
  // The destination offset ends where writing the bytes would leave it.
  if (lseek(fd, offset + written, SEEK_SET) < 0) return kCallbackFailed;
  return 0;
}

int JavaCloneCallback::apply_buffer_cbk(unsigned char *&to_buffer, unsigned int &len) {
  LocalFrame frame(env_);
  if (!frame.ok()) return kCallbackFailed;
  jobject buffer = env_->CallObjectMethod(handler_, callback_ids().on_apply_buffer,
                                          reinterpret_cast<jlong>(this));
  if (clear_pending_exception(env_, "clone apply-buffer callback")) return kCallbackFailed;
  if (buffer == nullptr) return kCallbackFailed;
  void *address = env_->GetDirectBufferAddress(buffer);
  jlong capacity = env_->GetDirectBufferCapacity(buffer);
  if (address == nullptr || capacity < 0) return kCallbackFailed;
  // Java hands over a buffer whose whole capacity is the pending data.
  to_buffer = static_cast<unsigned char *>(address);
  len = static_cast<unsigned int>(capacity);
  return 0;
}

}  // namespace jclone
