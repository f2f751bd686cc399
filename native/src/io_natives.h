// Leaf natives of org.jclone.jni.IoNatives: single system calls for the Java
// data mover (identity, flags and file system of a descriptor, copy_file_range,
// aligned instrumented memory, errno texts). Each returns -errno or a plain
// value; the decisions stay in Java.
#pragma once

#include <jni.h>

#include <string>

namespace jclone {

bool register_io_natives(JNIEnv *env, std::string *error);

void unregister_io_natives(JNIEnv *env);

}  // namespace jclone
