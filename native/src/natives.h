// Registration of the Java core's native methods (ServerNatives, InnoDbNatives).
#pragma once

#include <jni.h>

#include <string>

namespace jclone {

// Binds every native method and caches the ids the natives use; false with a reason on failure.
bool register_natives(JNIEnv *env, std::string *error);

// Unbinds them so no Java code can call into this library after it is unloaded.
void unregister_natives(JNIEnv *env);

// Ids of the callback interface InnoDB's up-calls go through (see clone_callback.cc).
struct CallbackIds {
  jmethodID on_file_data = nullptr;
  jmethodID on_buffer_data = nullptr;
  jmethodID on_apply_file = nullptr;
  jmethodID on_apply_buffer = nullptr;
};
const CallbackIds &callback_ids();

// Fields of org.jclone.core.engine.Locator (long address; int length; int taskId).
struct LocatorIds {
  jfieldID address = nullptr;
  jfieldID length = nullptr;
  jfieldID task_id = nullptr;
};
const LocatorIds &locator_ids();

}  // namespace jclone
