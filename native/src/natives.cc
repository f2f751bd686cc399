#include "natives.h"

#include <cstring>
#include <new>

#include "boundary.h"
#include "clone_callback.h"
#include "io_natives.h"
#include "java_bridge.h"
#include "psi_keys.h"
#include "remote_natives.h"
#include "status_tables.h"
#include "sysvars.h"

namespace jclone {
namespace {

constexpr const char *kServerNatives = "org/jclone/jni/ServerNatives";
constexpr const char *kInnoDbNatives = "org/jclone/jni/InnoDbNatives";
constexpr const char *kStatusTableNatives = "org/jclone/jni/StatusTableNatives";
constexpr const char *kCallbacks = "org/jclone/core/engine/CloneCallbacks";
constexpr const char *kLocator = "org/jclone/core/engine/Locator";

CallbackIds callbacks;
LocatorIds locator;

THD *as_thd(jlong handle) { return reinterpret_cast<THD *>(handle); }
handlerton *as_hton(jlong handle) { return reinterpret_cast<handlerton *>(handle); }

// Throws when the JVM has no memory for the copy; JniGuard then returns with the
// JVM's OutOfMemoryError pending.
std::string to_string(JNIEnv *env, jstring text) {
  if (text == nullptr) return "";
  const char *chars = env->GetStringUTFChars(text, nullptr);
  if (chars == nullptr) throw std::bad_alloc();
  std::string result(chars);
  env->ReleaseStringUTFChars(text, chars);
  return result;
}

void throw_illegal_argument(JNIEnv *env, const std::string &message) {
  jclass type = env->FindClass("java/lang/IllegalArgumentException");
  if (type != nullptr) env->ThrowNew(type, message.c_str());
}

// Locators are InnoDB's own memory, updated in place as the clone changes
// state; every task must see the live one, so only the pointer is passed around.
const unsigned char *as_locator(jlong address) {
  return reinterpret_cast<const unsigned char *>(address);
}

// ---- org.jclone.jni.ServerNatives --------------------------------------

void server_log(JNIEnv *env, jclass, jint level, jstring message) {
  log_line(static_cast<plugin_log_level>(level), to_string(env, message));
}

jlong server_sysvar_long(JNIEnv *env, jclass, jstring name) {
  long long value = 0;
  std::string key = to_string(env, name);
  if (!sysvar_long(key, &value)) throw_illegal_argument(env, "no numeric variable " + key);
  return value;
}

jstring server_sysvar_string(JNIEnv *env, jclass, jstring name) {
  std::string value;
  std::string key = to_string(env, name);
  if (!sysvar_string(key, &value)) {
    throw_illegal_argument(env, "no string variable " + key);
    return nullptr;
  }
  return env->NewStringUTF(value.c_str());
}

void server_raise_error(JNIEnv *env, jclass, jint code, jstring message) {
  my_printf_error(static_cast<unsigned int>(code), "%s", 0, to_string(env, message).c_str());
}

jint server_pending_error_code(JNIEnv *, jclass, jlong thd) {
  unsigned int error = 0;
  const char *message = nullptr;
  mysql_clone_get_error(as_thd(thd), &error, &message);
  return static_cast<jint>(error);
}

jstring server_pending_error_message(JNIEnv *env, jclass, jlong thd) {
  unsigned int error = 0;
  const char *message = nullptr;
  mysql_clone_get_error(as_thd(thd), &error, &message);
  return error != 0 && message != nullptr ? env->NewStringUTF(message) : nullptr;
}

jboolean server_killed(JNIEnv *, jclass, jlong thd) {
  return thd_killed(as_thd(thd)) != 0 ? JNI_TRUE : JNI_FALSE;
}

jlong server_start_session(JNIEnv *, jclass) {
  THD *thd = nullptr;
  // A worker shows in performance_schema.threads as thread/clone/local-task.
  mysql_clone_start_statement(thd, psi_local_task_thread_key(), 0);
  return reinterpret_cast<jlong>(thd);
}

jlong server_start_client_session(JNIEnv *, jclass) {
  THD *thd = nullptr;
  // A remote clone's worker shows in performance_schema.threads as thread/clone/client-task.
  mysql_clone_start_statement(thd, psi_client_task_thread_key(), 0);
  return reinterpret_cast<jlong>(thd);
}

void server_finish_session(JNIEnv *, jclass, jlong thd) {
  mysql_clone_finish_statement(as_thd(thd));
}

void server_start_donor_statement(JNIEnv *, jclass, jlong thd) {
  THD *session = as_thd(thd);
  // The donor's master session shows as statement/clone/server (called on its own thread).
  mysql_clone_start_statement(session, 0, psi_server_statement_key());
}

jboolean server_acquire_backup_lock(JNIEnv *, jclass, jlong thd, jlong timeout_seconds) {
  int failed = mysql_acquire_backup_lock(as_thd(thd), BACKUP_LOCK_SERVICE_DEFAULT,
                                         static_cast<unsigned long>(timeout_seconds));
  return failed == 0 ? JNI_TRUE : JNI_FALSE;
}

void server_release_backup_lock(JNIEnv *, jclass, jlong thd) {
  mysql_release_backup_lock(as_thd(thd));
}

jlong server_thread_id(JNIEnv *, jclass, jlong thd) {
  return static_cast<jlong>(thd_get_thread_id(as_thd(thd)));
}

// ---- org.jclone.jni.InnoDbNatives --------------------------------------

jlong innodb_handlerton(JNIEnv *, jclass, jlong thd) {
  return reinterpret_cast<jlong>(ha_resolve_by_legacy_type(as_thd(thd), DB_TYPE_INNODB));
}

// begin and apply_begin read the locator in and hand a new one back.
template <typename Call>
jint with_locator(JNIEnv *env, jobject holder, Call call) {
  const unsigned char *loc = as_locator(env->GetLongField(holder, locator.address));
  unsigned int loc_len = static_cast<unsigned int>(env->GetIntField(holder, locator.length));
  unsigned int task_id = static_cast<unsigned int>(env->GetIntField(holder, locator.task_id));
  int error = call(loc, loc_len, task_id);
  if (error == 0) {
    env->SetLongField(holder, locator.address, reinterpret_cast<jlong>(loc));
    env->SetIntField(holder, locator.length, static_cast<jint>(loc_len));
    env->SetIntField(holder, locator.task_id, static_cast<jint>(task_id));
  }
  return error;
}

jint innodb_begin(JNIEnv *env, jclass, jlong hton, jlong thd, jobject holder, jint mode) {
  return with_locator(env, holder, [&](const unsigned char *&loc, unsigned int &len,
                                       unsigned int &task) {
    return innodb_clone_begin(as_hton(hton), as_thd(thd), loc, len, task, HA_CLONE_HYBRID,
                              static_cast<Ha_clone_mode>(mode));
  });
}

// data_dir is a direct buffer the clone owns for as long as InnoDB keeps its address.
jint innodb_apply_begin(JNIEnv *env, jclass, jlong hton, jlong thd, jobject holder, jint mode,
                        jobject data_dir) {
  const char *dir =
      data_dir == nullptr ? nullptr : static_cast<const char *>(env->GetDirectBufferAddress(data_dir));
  // A null target is the recipient's own data directory (a clone that replaces it).
  if (dir == nullptr && data_dir != nullptr) {
    constexpr jint kErInternalError = 1815;  // the pending exception says why
    throw_illegal_argument(env, "clone apply begin needs the target as a direct buffer");
    return kErInternalError;
  }
  return with_locator(env, holder, [&](const unsigned char *&loc, unsigned int &len,
                                       unsigned int &task) {
    return innodb_clone_apply_begin(as_hton(hton), as_thd(thd), loc, len, task,
                                    static_cast<Ha_clone_mode>(mode), dir);
  });
}

jint innodb_copy(JNIEnv *env, jclass, jlong hton, jlong thd, jlong loc, jint loc_len, jint task,
                 jobject handler, jint buffer_size) {
  JavaCloneCallback callback(env, handler, static_cast<unsigned int>(buffer_size));
  return innodb_clone_copy(as_hton(hton), as_thd(thd), as_locator(loc),
                           static_cast<unsigned int>(loc_len),
                           static_cast<unsigned int>(task), &callback);
}

jint innodb_apply(JNIEnv *env, jclass, jlong hton, jlong thd, jlong loc, jint loc_len, jint task,
                  jint in_error, jlong callback) {
  return innodb_clone_apply(as_hton(hton), as_thd(thd), as_locator(loc),
      static_cast<unsigned int>(loc_len),
                            static_cast<unsigned int>(task), in_error,
                            reinterpret_cast<Ha_clone_cbk *>(callback));
}

jint innodb_ack(JNIEnv *env, jclass, jlong hton, jlong thd, jlong loc, jint loc_len, jint task,
                jint in_error, jlong callback) {
  return innodb_clone_ack(as_hton(hton), as_thd(thd), as_locator(loc),
      static_cast<unsigned int>(loc_len),
                          static_cast<unsigned int>(task), in_error,
                          reinterpret_cast<Ha_clone_cbk *>(callback));
}

jint innodb_end(JNIEnv *env, jclass, jlong hton, jlong thd, jlong loc, jint loc_len, jint task,
                jint in_error) {
  return innodb_clone_end(as_hton(hton), as_thd(thd), as_locator(loc),
      static_cast<unsigned int>(loc_len),
                          static_cast<unsigned int>(task), in_error);
}

jint innodb_apply_end(JNIEnv *env, jclass, jlong hton, jlong thd, jlong loc, jint loc_len, jint task,
                      jint in_error) {
  return innodb_clone_apply_end(as_hton(hton), as_thd(thd), as_locator(loc),
      static_cast<unsigned int>(loc_len),
                                static_cast<unsigned int>(task), in_error);
}

// ---- org.jclone.jni.StatusTableNatives -----------------------------------

void status_publish_status(JNIEnv *env, jclass, jint id, jint pid, jstring state,
                           jlong begin_micros, jlong end_micros, jstring source,
                           jstring destination, jint error_no, jstring error_message,
                           jstring binlog_file, jlong binlog_position, jstring gtid_executed) {
  CloneStatusRow row;
  row.id = static_cast<uint32_t>(id);
  row.pid = static_cast<uint32_t>(pid);
  row.state = to_string(env, state);
  row.begin_micros = static_cast<uint64_t>(begin_micros);
  row.end_micros = static_cast<uint64_t>(end_micros);
  row.source = to_string(env, source);
  row.destination = to_string(env, destination);
  row.error_no = static_cast<uint32_t>(error_no);
  row.error_message = to_string(env, error_message);
  row.binlog_file = to_string(env, binlog_file);
  row.binlog_position = static_cast<uint64_t>(binlog_position);
  row.gtid_executed = to_string(env, gtid_executed);
  publish_status(row);
}

// numbers holds kProgressNumbers values per stage, in the order of CloneStageRow.
constexpr int kProgressNumbers = 10;

void status_publish_progress(JNIEnv *env, jclass, jint id, jobjectArray stages,
                             jobjectArray states, jlongArray numbers) {
  if (env->GetArrayLength(stages) != kCloneStageCount ||
      env->GetArrayLength(states) != kCloneStageCount ||
      env->GetArrayLength(numbers) != kCloneStageCount * kProgressNumbers) {
    throw_illegal_argument(env, "progress rows must describe every clone stage");
    return;
  }
  jlong values[kCloneStageCount * kProgressNumbers];
  env->GetLongArrayRegion(numbers, 0, kCloneStageCount * kProgressNumbers, values);
  CloneProgressRows rows;
  rows.id = static_cast<uint32_t>(id);
  for (int i = 0; i < kCloneStageCount; i++) {
    auto stage = static_cast<jstring>(env->GetObjectArrayElement(stages, i));
    auto state = static_cast<jstring>(env->GetObjectArrayElement(states, i));
    CloneStageRow &row = rows.stages[i];
    row.stage = to_string(env, stage);
    row.state = to_string(env, state);
    env->DeleteLocalRef(stage);
    env->DeleteLocalRef(state);
    const jlong *n = values + i * kProgressNumbers;
    row.threads = static_cast<uint32_t>(n[0]);
    row.begin_micros = static_cast<uint64_t>(n[1]);
    row.end_micros = static_cast<uint64_t>(n[2]);
    row.estimate = static_cast<uint64_t>(n[3]);
    row.data = static_cast<uint64_t>(n[4]);
    row.network = static_cast<uint64_t>(n[5]);
    row.data_speed = static_cast<uint32_t>(n[6]);
    row.network_speed = static_cast<uint32_t>(n[7]);
    row.resumes = static_cast<uint32_t>(n[8]);
    row.data_resent = static_cast<int64_t>(n[9]);
  }
  publish_progress(rows);
}

// Each native runs inside JniGuard: a C++ exception becomes a Java Error, never an
// unwind through the JVM's frames.
const JNINativeMethod server_methods[] = {
    NATIVE("log", "(ILjava/lang/String;)V", server_log),
    NATIVE("sysvarLong", "(Ljava/lang/String;)J", server_sysvar_long),
    NATIVE("sysvarString", "(Ljava/lang/String;)Ljava/lang/String;", server_sysvar_string),
    NATIVE("raiseError", "(ILjava/lang/String;)V", server_raise_error),
    NATIVE("pendingErrorCode", "(J)I", server_pending_error_code),
    NATIVE("pendingErrorMessage", "(J)Ljava/lang/String;", server_pending_error_message),
    NATIVE("killed", "(J)Z", server_killed),
    NATIVE("startSession", "()J", server_start_session),
    NATIVE("startClientSession", "()J", server_start_client_session),
    NATIVE("finishSession", "(J)V", server_finish_session),
    NATIVE("startDonorStatement", "(J)V", server_start_donor_statement),
    NATIVE("acquireBackupLock", "(JJ)Z", server_acquire_backup_lock),
    NATIVE("releaseBackupLock", "(J)V", server_release_backup_lock),
    NATIVE("threadId", "(J)J", server_thread_id),
};

const JNINativeMethod innodb_methods[] = {
    NATIVE("handlerton", "(J)J", innodb_handlerton),
    NATIVE("begin", "(JJLorg/jclone/core/engine/Locator;I)I", innodb_begin),
    NATIVE("applyBegin", "(JJLorg/jclone/core/engine/Locator;ILjava/nio/ByteBuffer;)I",
           innodb_apply_begin),
    NATIVE("copy", "(JJJIILorg/jclone/core/engine/CloneCallbacks;I)I", innodb_copy),
    NATIVE("apply", "(JJJIIIJ)I", innodb_apply),
    NATIVE("ack", "(JJJIIIJ)I", innodb_ack),
    NATIVE("end", "(JJJIII)I", innodb_end),
    NATIVE("applyEnd", "(JJJIII)I", innodb_apply_end),
};

const JNINativeMethod status_table_methods[] = {
    NATIVE("publishStatus",
           "(IILjava/lang/String;JJLjava/lang/String;Ljava/lang/String;ILjava/lang/String;"
           "Ljava/lang/String;JLjava/lang/String;)V",
           status_publish_status),
    NATIVE("publishProgress", "(I[Ljava/lang/String;[Ljava/lang/String;[J)V",
           status_publish_progress),
};


bool bind(JNIEnv *env, const char *class_name, const JNINativeMethod *methods, int count,
          std::string *error) {
  jclass type = core_class(env, class_name);
  if (type == nullptr || env->RegisterNatives(type, methods, count) != JNI_OK) {
    env->ExceptionClear();
    if (type != nullptr) env->DeleteLocalRef(type);
    *error = std::string("cannot bind the native methods of ") + class_name;
    return false;
  }
  env->DeleteLocalRef(type);
  return true;
}

bool cache_ids(JNIEnv *env, std::string *error) {
  jclass type = core_class(env, kCallbacks);
  if (type == nullptr) {
    env->ExceptionClear();
    *error = std::string("cannot load ") + kCallbacks;
    return false;
  }
  callbacks.on_file_data = env->GetMethodID(type, "onFileData", "(JIJII)I");
  callbacks.on_buffer_data =
      env->GetMethodID(type, "onBufferData", "(JLjava/nio/ByteBuffer;ZJ)I");
  callbacks.on_apply_file = env->GetMethodID(type, "onApplyFile", "(JIJI)J");
  callbacks.on_apply_buffer = env->GetMethodID(type, "onApplyBuffer", "(J)Ljava/nio/ByteBuffer;");
  env->DeleteLocalRef(type);
  jclass holder = core_class(env, kLocator);
  if (holder != nullptr) {
    locator.address = env->GetFieldID(holder, "address", "J");
    locator.length = env->GetFieldID(holder, "length", "I");
    locator.task_id = env->GetFieldID(holder, "taskId", "I");
    env->DeleteLocalRef(holder);
  }
  if (env->ExceptionCheck() || callbacks.on_file_data == nullptr ||
      callbacks.on_buffer_data == nullptr || callbacks.on_apply_file == nullptr ||
      callbacks.on_apply_buffer == nullptr || locator.address == nullptr ||
      locator.length == nullptr ||
      locator.task_id == nullptr) {
    env->ExceptionClear();
    *error = std::string("the Java core's ") + kCallbacks + " or " + kLocator +
             " does not match this library";
    return false;
  }
  return true;
}

}  // namespace

const CallbackIds &callback_ids() { return callbacks; }
const LocatorIds &locator_ids() { return locator; }

bool register_natives(JNIEnv *env, std::string *error) {
  return cache_ids(env, error) &&
         bind(env, kServerNatives, server_methods,
              sizeof(server_methods) / sizeof(server_methods[0]), error) &&
         bind(env, kInnoDbNatives, innodb_methods,
              sizeof(innodb_methods) / sizeof(innodb_methods[0]), error) &&
         bind(env, kStatusTableNatives, status_table_methods,
              sizeof(status_table_methods) / sizeof(status_table_methods[0]), error) &&
         register_io_natives(env, error) && register_remote_natives(env, error);
}

void unregister_natives(JNIEnv *env) {
  for (const char *name : {kServerNatives, kInnoDbNatives, kStatusTableNatives}) {
    jclass type = core_class(env, name);
    if (type != nullptr) {
      env->UnregisterNatives(type);
      env->DeleteLocalRef(type);
    }
    env->ExceptionClear();
  }
  unregister_io_natives(env);
  unregister_remote_natives(env);
  callbacks = CallbackIds{};
  locator = LocatorIds{};
}

}  // namespace jclone
