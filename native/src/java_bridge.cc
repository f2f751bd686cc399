#include "java_bridge.h"

#include <atomic>
#include <cstring>
#include <new>

#include "boundary.h"
#include "class_loader.h"
#include "heap_release.h"
#include "jvm.h"
#include "natives.h"
#include "sysvars.h"

namespace jclone {
namespace {

constexpr const char *kEntryClass = "org/jclone/jni/PluginEntry";
constexpr unsigned int kErInternalError = 1815;  // ER_INTERNAL_ERROR, "Internal error: %s"

void *the_plugin = nullptr;
JavaVM *vm = nullptr;
std::atomic<bool> started{false};
jobject core_loader = nullptr;  // global reference; this INSTALL's loader of the core

struct EntryPoints {
  jclass entry = nullptr;  // global reference
  jmethodID start = nullptr;
  jmethodID stop = nullptr;
  jmethodID clone_local = nullptr;
  jmethodID validate_donor_list = nullptr;
  jmethodID clone_remote = nullptr;
  jmethodID clone_serve = nullptr;
  jmethodID clone_in_progress = nullptr;
} entry_points;

std::string describe_and_clear(JNIEnv *env) {
  jthrowable thrown = env->ExceptionOccurred();
  env->ExceptionClear();
  if (thrown == nullptr) return "unknown Java failure";
  // The description is best effort: its own failures leave no exception pending.
  std::string text = "Java exception";
  jclass object_class = env->FindClass("java/lang/Object");
  jmethodID to_string =
      object_class ? env->GetMethodID(object_class, "toString", "()Ljava/lang/String;") : nullptr;
  if (to_string != nullptr) {
    auto described = static_cast<jstring>(env->CallObjectMethod(thrown, to_string));
    if (env->ExceptionCheck()) {
      env->ExceptionClear();
    } else if (described != nullptr) {
      const char *chars = env->GetStringUTFChars(described, nullptr);
      if (chars != nullptr) {
        text = chars;
        env->ReleaseStringUTFChars(described, chars);
      }
    }
  }
  env->DeleteLocalRef(thrown);
  return text;
}

bool cache_entry_points(JNIEnv *env, std::string *error) {
  jclass local = core_class(env, kEntryClass);
  if (local == nullptr) {
    *error = std::string("cannot load the Java core class ") + kEntryClass + " (" +
             describe_and_clear(env) + ")";
    return false;
  }
  entry_points.entry = static_cast<jclass>(env->NewGlobalRef(local));
  env->DeleteLocalRef(local);
  if (entry_points.entry == nullptr) {
    env->ExceptionClear();
    *error = "out of Java memory for a global reference";
    return false;
  }
  struct Lookup {
    jmethodID *id;
    const char *name;
    const char *signature;
  } lookups[] = {
      {&entry_points.start, "start", "(Ljava/lang/String;)Ljava/lang/String;"},
      {&entry_points.stop, "stop", "()V"},
      {&entry_points.clone_local, "cloneLocal", "(J[B)I"},
      {&entry_points.clone_remote, "cloneRemote", "(J[BI[B[B[BI)I"},
      {&entry_points.clone_serve, "serveClone", "(J)I"},
      {&entry_points.validate_donor_list, "validateDonorList", "(Ljava/lang/String;)Z"},
      {&entry_points.clone_in_progress, "cloneInProgress", "()Z"},
  };
  for (auto &lookup : lookups) {
    *lookup.id = env->GetStaticMethodID(entry_points.entry, lookup.name, lookup.signature);
    if (*lookup.id == nullptr) {
      *error = std::string("the Java core has no method ") + kEntryClass + "." + lookup.name +
               lookup.signature + " (" + describe_and_clear(env) + ")";
      return false;
    }
  }
  return true;
}

void forget_entry_points(JNIEnv *env) {
  if (entry_points.entry != nullptr) env->DeleteGlobalRef(entry_points.entry);
  entry_points = EntryPoints{};
}

// Undoes a start: natives unbound, ids forgotten, the core's class loader closed.
void release_core(JNIEnv *env) {
  unregister_natives(env);
  forget_entry_points(env);
  close_class_loader(env, core_loader);
  core_loader = nullptr;
}

}  // namespace

void **plugin_handle() { return &the_plugin; }
void set_plugin_handle(void *plugin) { the_plugin = plugin; }
JavaVM *java_vm() { return vm; }

void log_line(plugin_log_level level, const std::string &line) {
  my_plugin_log_message(&the_plugin, level, "%s", line.c_str());
}

void log_boundary_failure(const char *where, const char *what) noexcept {
  my_plugin_log_message(&the_plugin, MY_ERROR_LEVEL, "Clone plugin: %s failed: %s", where,
                        what != nullptr ? what : "?");
}

void throw_java_error(JNIEnv *env, const char *what) noexcept {
  if (env->ExceptionCheck()) return;
  jclass type = env->FindClass("java/lang/Error");
  if (type != nullptr) env->ThrowNew(type, what);
}

bool clear_pending_exception(JNIEnv *env, const char *where) {
  if (!env->ExceptionCheck()) return false;
  try {
    log_line(MY_ERROR_LEVEL, std::string(where) + ": " + describe_and_clear(env));
  } catch (...) {
    env->ExceptionClear();
    log_boundary_failure(where, "a Java exception (no memory to describe it)");
  }
  return true;
}

jclass core_class(JNIEnv *env, const char *name) {
  if (core_loader == nullptr) return nullptr;
  return load_class(env, core_loader, name);
}

bool java_start(void *plugin, const std::string &plugin_dir, std::string *error) {
  the_plugin = plugin;
  JvmSettings settings;
  settings.bundled_home = plugin_dir + "/mysql_clone_jre";
  if (const char *home = java_home_setting(); home != nullptr) settings.java_home = home;
  std::string class_path;
  if (const char *path = java_class_path_setting(); path != nullptr && *path != '\0') {
    class_path = path;
  } else {
    class_path = plugin_dir + "/mysql_clone.jar";
  }
  if (const char *options = java_options_setting(); options != nullptr) {
    settings.options = options;
  }

  std::string home;
  vm = jvm_acquire(settings, &home, error);
  if (vm == nullptr) return false;
  publish_java_home(home);
  publish_java_class_path(class_path);

  AttachedThread thread(vm, "mysql-clone-init");
  JNIEnv *env = thread.env();
  if (env == nullptr) {
    *error = "cannot attach the installing thread to the JVM";
    return false;
  }
  core_loader = open_class_loader(env, class_path, error);
  if (core_loader == nullptr) return false;
  if (!cache_entry_points(env, error) || !register_natives(env, error)) {
    *error += " (class path: " + class_path + ")";
    release_core(env);
    return false;
  }
  jstring dir = env->NewStringUTF(plugin_dir.c_str());
  if (dir == nullptr) {
    *error = "out of Java memory: " + describe_and_clear(env);
    release_core(env);
    return false;
  }
  auto failure =
      static_cast<jstring>(env->CallStaticObjectMethod(entry_points.entry, entry_points.start, dir));
  env->DeleteLocalRef(dir);
  if (env->ExceptionCheck()) {
    *error = "the Java core failed to start: " + describe_and_clear(env);
  } else if (failure != nullptr) {
    const char *chars = env->GetStringUTFChars(failure, nullptr);
    *error = std::string("the Java core failed to start: ") + (chars ? chars : "?");
    if (chars) env->ReleaseStringUTFChars(failure, chars);
  }
  if (failure != nullptr) env->DeleteLocalRef(failure);
  if (!error->empty()) {
    release_core(env);
    return false;
  }
  started = true;
  return true;
}

void java_stop() {
  if (!started.exchange(false)) return;
  AttachedThread thread(vm, "mysql-clone-deinit");
  JNIEnv *env = thread.env();
  if (env == nullptr) return;
  env->CallStaticVoidMethod(entry_points.entry, entry_points.stop);
  clear_pending_exception(env, "stopping the Java core");
  release_core(env);
}

namespace {

// After a clone statement (or a donor's session) ends, whatever its outcome.
void after_clone() {
  std::string line = release_free_heap();
  if (!line.empty()) log_line(MY_INFORMATION_LEVEL, line);
}

}  // namespace

int java_clone_local(THD *thd, const char *data_dir) {
  if (!started) {  // mysqld --initialize registers the handler without a JVM
    my_printf_error(kErInternalError, "Internal error: %s", 0,
                    "clone: the plugin's Java engine is not running");
    return static_cast<int>(kErInternalError);
  }
  AttachedThread thread(vm, "mysql-clone-local");
  JNIEnv *env = thread.env();
  if (env == nullptr) {
    my_printf_error(kErInternalError, "Internal error: %s", 0,
                    "clone: cannot attach the session thread to the JVM");
    return static_cast<int>(kErInternalError);
  }
  // The path crosses as its bytes: modified UTF-8 is not the server's encoding.
  jsize length = static_cast<jsize>(std::strlen(data_dir));
  jbyteArray dir = env->NewByteArray(length);
  if (dir == nullptr) {
    env->ExceptionClear();
    my_printf_error(kErInternalError, "Internal error: %s", 0, "clone: out of Java memory");
    return static_cast<int>(kErInternalError);
  }
  env->SetByteArrayRegion(dir, 0, length, reinterpret_cast<const jbyte *>(data_dir));
  jint result = env->CallStaticIntMethod(entry_points.entry, entry_points.clone_local,
                                         reinterpret_cast<jlong>(thd), dir);
  env->DeleteLocalRef(dir);
  after_clone();
  if (env->ExceptionCheck()) {
    std::string text = "clone failed in the Java core: " + describe_and_clear(env);
    log_line(MY_ERROR_LEVEL, text);
    my_printf_error(kErInternalError, "Internal error: %s", 0, text.c_str());
    return static_cast<int>(kErInternalError);
  }
  return result;
}

namespace {

// Raises ER_INTERNAL_ERROR for the client; returns its code.
int internal_error(const char *what) {
  my_printf_error(kErInternalError, "Internal error: %s", 0, what);
  return static_cast<int>(kErInternalError);
}

// A C string as a Java byte array (null stays null); throws bad_alloc without Java memory.
jbyteArray byte_array(JNIEnv *env, const char *text) {
  if (text == nullptr) return nullptr;
  jsize length = static_cast<jsize>(std::strlen(text));
  jbyteArray array = env->NewByteArray(length);
  if (array == nullptr) {
    env->ExceptionClear();
    throw std::bad_alloc();
  }
  env->SetByteArrayRegion(array, 0, length, reinterpret_cast<const jbyte *>(text));
  return array;
}

// A Java exception out of an entry point becomes the statement's error.
int entry_failed(JNIEnv *env, const char *what) {
  std::string text = std::string(what) + " failed in the Java core: " + describe_and_clear(env);
  log_line(MY_ERROR_LEVEL, text);
  my_printf_error(kErInternalError, "Internal error: %s", 0, text.c_str());
  return static_cast<int>(kErInternalError);
}

}  // namespace

int java_clone_remote(THD *thd, const char *host, unsigned int port, const char *user,
                      const char *password, const char *data_dir, int ssl_mode) {
  if (!started) return internal_error("clone: the plugin's Java engine is not running");
  AttachedThread thread(vm, "mysql-clone-client");
  JNIEnv *env = thread.env();
  if (env == nullptr) return internal_error("clone: cannot attach the session thread to the JVM");
  // Everything crosses as bytes: names and paths are the server's, not modified UTF-8.
  jbyteArray host_bytes = byte_array(env, host);
  jbyteArray user_bytes = byte_array(env, user);
  jbyteArray password_bytes = byte_array(env, password);
  jbyteArray dir_bytes = byte_array(env, data_dir);
  jint result = env->CallStaticIntMethod(entry_points.entry, entry_points.clone_remote,
                                         reinterpret_cast<jlong>(thd), host_bytes,
                                         static_cast<jint>(port), user_bytes, password_bytes,
                                         dir_bytes, static_cast<jint>(ssl_mode));
  for (jbyteArray array : {host_bytes, user_bytes, password_bytes, dir_bytes}) {
    if (array != nullptr) env->DeleteLocalRef(array);
  }
  after_clone();
  if (env->ExceptionCheck()) return entry_failed(env, "CLONE INSTANCE");
  return result;
}

int java_clone_serve(THD *thd) {
  if (!started) return internal_error("clone: the plugin's Java engine is not running");
  AttachedThread thread(vm, "mysql-clone-donor");
  JNIEnv *env = thread.env();
  if (env == nullptr) return internal_error("clone: cannot attach the session thread to the JVM");
  jint result = env->CallStaticIntMethod(entry_points.entry, entry_points.clone_serve,
                                         reinterpret_cast<jlong>(thd));
  after_clone();
  if (env->ExceptionCheck()) return entry_failed(env, "clone donor");
  return result;
}

bool java_validate_donor_list(THD *, const char *value) {
  if (!started) {
    my_printf_error(kErInternalError, "Internal error: %s", 0,
                    "clone: the plugin's Java engine is not running");
    return false;
  }
  AttachedThread thread(vm, "mysql-clone-sysvar");
  JNIEnv *env = thread.env();
  if (env == nullptr) return false;
  jstring text = env->NewStringUTF(value);
  if (text == nullptr) {
    env->ExceptionClear();
    return false;
  }
  jboolean valid = env->CallStaticBooleanMethod(entry_points.entry,
                                                entry_points.validate_donor_list, text);
  env->DeleteLocalRef(text);
  if (clear_pending_exception(env, "checking clone_valid_donor_list")) return false;
  return valid == JNI_TRUE;
}

bool java_clone_in_progress() {
  if (!started) return false;
  AttachedThread thread(vm, "mysql-clone-check");
  JNIEnv *env = thread.env();
  if (env == nullptr) return false;
  jboolean running =
      env->CallStaticBooleanMethod(entry_points.entry, entry_points.clone_in_progress);
  if (clear_pending_exception(env, "asking whether a clone runs")) return false;
  return running == JNI_TRUE;
}

}  // namespace jclone
