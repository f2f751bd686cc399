// The Ha_clone_cbk InnoDB calls during copy and apply. Each call is a
// trampoline into the Java task that owns the copy; policy stays in Java.
#pragma once

#include <jni.h>

#include "server_abi.h"

namespace jclone {

class JavaCloneCallback final : public Ha_clone_cbk {
 public:
  // env and handler belong to the thread running the copy; both outlive this object.
  JavaCloneCallback(JNIEnv *env, jobject handler, unsigned int buffer_size);

  int file_cbk(Ha_clone_file from_file, unsigned int len) override;
  int buffer_cbk(unsigned char *from_buffer, unsigned int len) override;
  int apply_file_cbk(Ha_clone_file to_file) override;
  int apply_buffer_cbk(unsigned char *&to_buffer, unsigned int &len) override;

 private:
  int flags_for_java() const;

  JNIEnv *env_;
  jobject handler_;
};

}  // namespace jclone
