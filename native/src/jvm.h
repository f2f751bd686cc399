// The one JVM of the server process: found, created once, reused after a
// re-INSTALL, and a guard that attaches server threads to it.
#pragma once

#include <jni.h>

#include <string>

namespace jclone {

struct JvmSettings {
  std::string java_home;   // empty: look in the environment and well-known places
  std::string options;     // extra options, space separated
  std::string bundled_home;  // the runtime shipped in plugin_dir, tried after java_home
};

// Starts the JVM, or finds the one an earlier INSTALL of this plugin started. Options
// are checked by a probe process first, since HotSpot exits on bad ones.
// On failure returns nullptr and says what was missing and where it looked.
JavaVM *jvm_acquire(const JvmSettings &settings, std::string *resolved_home,
                    std::string *error);

// Attaches the calling thread for the guard's lifetime unless it already is.
class AttachedThread {
 public:
  explicit AttachedThread(JavaVM *vm, const char *name = "mysql-clone");
  ~AttachedThread();
  AttachedThread(const AttachedThread &) = delete;
  AttachedThread &operator=(const AttachedThread &) = delete;

  JNIEnv *env() const { return env_; }

 private:
  JavaVM *vm_;
  JNIEnv *env_ = nullptr;
  bool attached_here_ = false;
};

}  // namespace jclone
