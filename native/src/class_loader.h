// The Java core's classes come from a URLClassLoader made for each INSTALL over the
// plugin's jars and dropped at UNINSTALL. The JVM outlives the plugin library, but
// its own class loaders remember every jar they failed to open; a fresh loader per
// INSTALL sees the jars as they are now (restored, replaced or upgraded).
#pragma once

#include <jni.h>

#include <string>

namespace jclone {

// A new loader over the class path (entries separated by ':') whose parent is the
// platform class loader; a global reference, or nullptr with the reason.
jobject open_class_loader(JNIEnv *env, const std::string &class_path, std::string *error);

// The class named "a/b/C" as that loader defines it (a local reference), or nullptr
// with the Java exception left pending.
jclass load_class(JNIEnv *env, jobject loader, const char *name);

// Closes the loader's jars and deletes the global reference.
void close_class_loader(JNIEnv *env, jobject loader);

}  // namespace jclone
