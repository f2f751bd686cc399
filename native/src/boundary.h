// The edges where the server, InnoDB or the JVM call into this library. No C++
// exception (bad_alloc from a string or container) may unwind into their frames:
// each entry point runs its body through one of these guards.
#pragma once

#include <jni.h>

#include <exception>

namespace jclone {

// Writes "<where> failed: <what>" to the error log without allocating.
void log_boundary_failure(const char *where, const char *what) noexcept;

// Makes a java.lang.Error pending (unless an exception already is) without allocating.
void throw_java_error(JNIEnv *env, const char *what) noexcept;

// For entry points from the server: a C++ exception becomes a log line and on_failure.
template <typename Result, typename Body>
Result guarded(const char *where, Result on_failure, Body &&body) noexcept {
  try {
    return body();
  } catch (const std::exception &e) {
    log_boundary_failure(where, e.what());
  } catch (...) {
    log_boundary_failure(where, "unknown C++ exception");
  }
  return on_failure;
}

// For native methods: JniGuard<f>::call has f's signature, and a C++ exception thrown
// by f becomes a pending java.lang.Error that the Java caller sees.
template <auto Function>
struct JniGuard;

template <typename Result, typename... Args, Result (*Function)(JNIEnv *, Args...)>
struct JniGuard<Function> {
  static Result call(JNIEnv *env, Args... args) noexcept {
    try {
      return Function(env, args...);
    } catch (const std::exception &e) {
      throw_java_error(env, e.what());
    } catch (...) {
      throw_java_error(env, "unknown C++ exception in a native method");
    }
    return Result();
  }
};

}  // namespace jclone

// One JNINativeMethod entry whose function runs inside JniGuard (inside namespace jclone).
#define NATIVE(name, signature, function)                         \
  {                                                               \
    const_cast<char *>(name), const_cast<char *>(signature),      \
        reinterpret_cast<void *>(&JniGuard<&function>::call)      \
  }
