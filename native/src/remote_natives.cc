#include "remote_natives.h"

#include <dlfcn.h>

#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "boundary.h"
#include "clone_callback.h"
#include "java_bridge.h"
#include "server_abi.h"

// ---- Server declarations only this file uses (8.0.31, nm -D | c++filt) ------------
// The library is built with the old string ABI (CMakeLists.txt), as mysqld is.
using StringKeys = std::vector<std::string>;
using KeyValues = std::vector<std::pair<std::string, std::string>>;
int mysql_clone_get_charsets(THD *thd, StringKeys &charsets);
int mysql_clone_validate_charsets(THD *thd, StringKeys &charsets);
int mysql_clone_get_configs(THD *thd, KeyValues &configs);
int mysql_clone_validate_configs(THD *thd, KeyValues &configs);

struct MYSQL_LEX_CSTRING {
  const char *str;
  size_t length;
};
struct st_plugin_int;  // in a release build a plugin_ref is this pointer
bool plugin_foreach_with_mask(THD *thd, bool (*visit)(THD *, st_plugin_int *, void *), int type,
                              unsigned int state_mask, void *arg);
st_plugin_int *plugin_lock_by_name(THD *thd, const MYSQL_LEX_CSTRING &name, int type);
void plugin_unlock(THD *thd, st_plugin_int *plugin);
extern "C" MYSQL *mysql_init(MYSQL *mysql);  // the client library inside mysqld ("T mysql_init")

namespace jclone {
namespace {

constexpr const char *kRemoteNatives = "org/jclone/jni/RemoteNatives";
constexpr int kAnyPlugin = -1;        // MYSQL_ANY_PLUGIN
constexpr unsigned kPluginReady = 8;  // PLUGIN_IS_READY
constexpr int kErInternalError = 1815;
// NET_SERVER (mysql_com_server.h): at least this many bytes; its compress_ctx.algorithm here.
constexpr jlong kNetServerSize = 256;
constexpr size_t kNetServerAlgorithmOffset = 64;

// The head of st_plugin_int and st_plugin_dl (sql_plugin.h): name first, then the
// plugin declaration, then the library, whose first member is its file name.
struct LexString {
  const char *str;
  size_t length;
};
struct PluginDlHead {
  LexString dl;
};
struct PluginIntHead {
  LexString name;
  void *plugin;
  PluginDlHead *plugin_dl;
};

THD *as_thd(jlong handle) { return reinterpret_cast<THD *>(handle); }
MYSQL *as_conn(jlong handle) { return reinterpret_cast<MYSQL *>(handle); }

// Bytes of a Java array as a string (nullptr array: empty, with *present false).
std::string bytes_of(JNIEnv *env, jbyteArray array, bool *present = nullptr) {
  if (present != nullptr) *present = array != nullptr;
  if (array == nullptr) return "";
  jsize length = env->GetArrayLength(array);
  std::string text(static_cast<size_t>(length), '\0');
  env->GetByteArrayRegion(array, 0, length, reinterpret_cast<jbyte *>(&text[0]));
  return text;
}

std::string utf_of(JNIEnv *env, jstring text) {
  if (text == nullptr) return "";
  const char *chars = env->GetStringUTFChars(text, nullptr);
  if (chars == nullptr) throw std::bad_alloc();
  std::string result(chars);
  env->ReleaseStringUTFChars(text, chars);
  return result;
}

jobjectArray string_array(JNIEnv *env, const std::vector<std::string> &values) {
  jclass string_class = env->FindClass("java/lang/String");
  if (string_class == nullptr) return nullptr;
  jobjectArray array = env->NewObjectArray(static_cast<jsize>(values.size()), string_class, nullptr);
  env->DeleteLocalRef(string_class);
  if (array == nullptr) return nullptr;
  for (size_t i = 0; i < values.size(); i++) {
    // Names and values are ASCII in practice; bytes cross as Latin-1 if not.
    jstring value = env->NewStringUTF(values[i].c_str());
    if (value == nullptr) return nullptr;
    env->SetObjectArrayElement(array, static_cast<jsize>(i), value);
    env->DeleteLocalRef(value);
  }
  return array;
}

std::vector<std::string> strings_of(JNIEnv *env, jobjectArray array) {
  std::vector<std::string> result;
  jsize count = array == nullptr ? 0 : env->GetArrayLength(array);
  for (jsize i = 0; i < count; i++) {
    auto item = static_cast<jstring>(env->GetObjectArrayElement(array, i));
    result.push_back(utf_of(env, item));
    env->DeleteLocalRef(item);
  }
  return result;
}

unsigned char *address_of(JNIEnv *env, jobject buffer) {
  return buffer == nullptr ? nullptr
                           : static_cast<unsigned char *>(env->GetDirectBufferAddress(buffer));
}

// A view of server memory as a direct buffer; an empty one for no bytes.
jobject view(JNIEnv *env, unsigned char *data, size_t length) {
  static unsigned char empty = 0;
  return env->NewDirectByteBuffer(length == 0 ? &empty : data, static_cast<jlong>(length));
}

// ---- connections (recipient) --------------------------------------------------

// Opens a clone connection: COM_CLONE sent, its OK read. 0 with the error raised on thd.
jlong remote_connect(JNIEnv *env, jclass, jlong thd, jbyteArray host, jint port, jbyteArray user,
                     jbyteArray password, jint ssl_mode, jbyteArray key, jbyteArray cert,
                     jbyteArray ca, jobject compression) {
  std::string host_text = bytes_of(env, host);
  std::string user_text = bytes_of(env, user);
  std::string password_text = bytes_of(env, password);
  bool has_key = false, has_cert = false, has_ca = false;
  std::string key_text = bytes_of(env, key, &has_key);
  std::string cert_text = bytes_of(env, cert, &has_cert);
  std::string ca_text = bytes_of(env, ca, &has_ca);
  CloneSslContext ssl{};
  ssl.ssl_mode = ssl_mode;
  ssl.ssl_key = has_key && !key_text.empty() ? key_text.c_str() : nullptr;
  ssl.ssl_cert = has_cert && !cert_text.empty() ? cert_text.c_str() : nullptr;
  ssl.ssl_ca = has_ca && !ca_text.empty() ? ca_text.c_str() : nullptr;
  // Compression needs a NET_SERVER the connection keeps until it is closed; Java owns its memory.
  unsigned char *extension = address_of(env, compression);
  if (extension != nullptr) {
    jlong capacity = env->GetDirectBufferCapacity(compression);
    if (capacity < kNetServerSize) return 0;
    std::memset(extension, 0, static_cast<size_t>(capacity));
    // net_server_ext_init's only non-zero field: compress_ctx.algorithm = MYSQL_UNCOMPRESSED (1),
    // after three pointers and compression_attributes (char[32], uint, bool: 40 bytes).
    int uncompressed = 1;
    std::memcpy(extension + kNetServerAlgorithmOffset, &uncompressed, sizeof(uncompressed));
  }
  ssl.enable_compression = extension != nullptr;
  ssl.server_extension = reinterpret_cast<NetServerExtension *>(extension);
  ServerSocket socket{-1, nullptr};
  MYSQL *conn = mysql_clone_connect(as_thd(thd), host_text.c_str(), static_cast<unsigned>(port),
                                    user_text.c_str(), password_text.c_str(), &ssl, &socket);
  return reinterpret_cast<jlong>(conn);
}

jint remote_send_command(JNIEnv *env, jclass, jlong thd, jlong conn, jboolean set_active,
                         jint command, jobject payload, jint length) {
  static unsigned char nothing = 0;
  unsigned char *data = length == 0 ? &nothing : address_of(env, payload);
  if (data == nullptr) return kErInternalError;
  return mysql_clone_send_command(as_thd(thd), as_conn(conn), set_active == JNI_TRUE,
                                  static_cast<unsigned char>(command), data,
                                  static_cast<size_t>(length));
}

// The next response as a view of the connection's buffer (valid until the next read),
// or null with out[0] = the error; out[1] = bytes on the wire.
jobject remote_get_response(JNIEnv *env, jclass, jlong thd, jlong conn, jboolean set_active,
                            jint timeout, jlongArray out) {
  unsigned char *packet = nullptr;
  size_t length = 0;
  size_t network_length = 0;
  int error = mysql_clone_get_response(as_thd(thd), as_conn(conn), set_active == JNI_TRUE,
                                       static_cast<uint32_t>(timeout), &packet, &length,
                                       &network_length);
  jlong values[2] = {error, static_cast<jlong>(network_length)};
  env->SetLongArrayRegion(out, 0, 2, values);
  if (error != 0 || packet == nullptr) return nullptr;
  return view(env, packet, length);
}

jint remote_kill(JNIEnv *, jclass, jlong conn, jlong victim) {
  return mysql_clone_kill(as_conn(conn), as_conn(victim));
}

void remote_disconnect(JNIEnv *, jclass, jlong thd, jlong conn, jboolean fatal,
                       jboolean clear_error) {
  mysql_clone_disconnect(as_thd(thd), as_conn(conn), fatal == JNI_TRUE, clear_error == JNI_TRUE);
}

// Clears the session's error and warnings between a failed connection and its reconnect. The
// server exports no THD::clear_error; mysql_clone_disconnect does it (clear_error) and, on a
// client handle that never connected, nothing else.
void remote_clear_error(JNIEnv *, jclass, jlong thd) {
  MYSQL *unused = mysql_init(nullptr);
  if (unused == nullptr) return;
  mysql_clone_disconnect(as_thd(thd), unused, true, true);
}

// ---- the donor's session ----------------------------------------------------------

// The next command's payload as a view (valid until the next command), or null with
// out[0] = the error; out[1] = the command code.
jobject remote_get_command(JNIEnv *env, jclass, jlong thd, jlongArray out) {
  unsigned char command = 0;
  unsigned char *buffer = nullptr;
  size_t length = 0;
  int error = mysql_clone_get_command(as_thd(thd), &command, &buffer, &length);
  jlong values[2] = {error, command};
  env->SetLongArrayRegion(out, 0, 2, values);
  if (error != 0) return nullptr;
  return view(env, buffer, buffer == nullptr ? 0 : length);
}

jint remote_send_response(JNIEnv *env, jclass, jlong thd, jboolean secure, jobject message,
                          jint length) {
  unsigned char *data = address_of(env, message);
  if (data == nullptr || length <= 0) return kErInternalError;
  return mysql_clone_send_response(as_thd(thd), secure == JNI_TRUE, data,
                                   static_cast<size_t>(length));
}

jint remote_send_error(JNIEnv *, jclass, jlong thd, jint error_command, jboolean fatal) {
  return mysql_clone_send_error(as_thd(thd), static_cast<unsigned char>(error_command),
                                fatal == JNI_TRUE);
}

// ---- configurations, collations, plugins --------------------------------------------

jobjectArray remote_charsets(JNIEnv *env, jclass, jlong thd) {
  StringKeys charsets;
  if (mysql_clone_get_charsets(as_thd(thd), charsets) != 0) return nullptr;
  return string_array(env, charsets);
}

jint remote_validate_charsets(JNIEnv *env, jclass, jlong thd, jobjectArray names) {
  StringKeys charsets = strings_of(env, names);
  return mysql_clone_validate_charsets(as_thd(thd), charsets);
}

// Values of server variables by name, or null with the error raised.
jobjectArray remote_configs(JNIEnv *env, jclass, jlong thd, jobjectArray keys) {
  KeyValues configs;
  for (auto &key : strings_of(env, keys)) configs.emplace_back(key, "");
  if (mysql_clone_get_configs(as_thd(thd), configs) != 0) return nullptr;
  std::vector<std::string> values;
  for (auto &config : configs) values.push_back(config.second);
  return string_array(env, values);
}

jint remote_validate_configs(JNIEnv *env, jclass, jlong thd, jobjectArray keys,
                             jobjectArray values) {
  std::vector<std::string> names = strings_of(env, keys);
  std::vector<std::string> settings = strings_of(env, values);
  if (names.size() != settings.size()) return kErInternalError;
  KeyValues configs;
  for (size_t i = 0; i < names.size(); i++) configs.emplace_back(names[i], settings[i]);
  return mysql_clone_validate_configs(as_thd(thd), configs);
}

// Every active plugin as name and shared object ("" for a built-in), alternating.
jobjectArray remote_plugins(JNIEnv *env, jclass, jlong thd) {
  std::vector<std::string> pairs;
  auto visit = [](THD *, st_plugin_int *plugin, void *arg) -> bool {
    auto *out = static_cast<std::vector<std::string> *>(arg);
    if (plugin == nullptr) return false;
    auto *head = reinterpret_cast<PluginIntHead *>(plugin);
    out->emplace_back(head->name.str, head->name.length);
    if (head->plugin_dl != nullptr && head->plugin_dl->dl.str != nullptr) {
      out->emplace_back(head->plugin_dl->dl.str, head->plugin_dl->dl.length);
    } else {
      out->emplace_back();
    }
    return false;
  };
  if (plugin_foreach_with_mask(as_thd(thd), visit, kAnyPlugin, kPluginReady, &pairs)) {
    return nullptr;
  }
  return string_array(env, pairs);
}

jboolean remote_plugin_installed(JNIEnv *env, jclass, jlong thd, jstring name) {
  std::string text = utf_of(env, name);
  MYSQL_LEX_CSTRING lex{text.c_str(), text.size()};
  st_plugin_int *plugin = plugin_lock_by_name(as_thd(thd), lex, kAnyPlugin);
  if (plugin == nullptr) return JNI_FALSE;
  plugin_unlock(as_thd(thd), plugin);
  return JNI_TRUE;
}

// As MySQL's recipient judges a donor plugin it lacks: can this server load its library?
jboolean remote_library_loadable(JNIEnv *env, jclass, jbyteArray path) {
  std::string file = bytes_of(env, path);
  void *handle = dlopen(file.c_str(), RTLD_NOW);
  if (handle == nullptr) return JNI_FALSE;
  dlclose(handle);
  return JNI_TRUE;
}

// ---- InnoDB driven by descriptors from the network -------------------------------

// Applies one descriptor: InnoDB pulls the data through the handler's apply callbacks.
jint remote_apply(JNIEnv *env, jclass, jlong hton, jlong thd, jlong loc, jint loc_len, jint task,
                  jobject handler, jobject descriptor, jint descriptor_length, jint loc_index,
                  jint buffer_size) {
  unsigned char *desc = address_of(env, descriptor);
  if (desc == nullptr && descriptor_length > 0) return kErInternalError;
  JavaCloneCallback callback(env, handler, static_cast<unsigned int>(buffer_size));
  callback.set_data_desc(desc, static_cast<unsigned int>(descriptor_length));
  callback.set_loc_index(static_cast<unsigned int>(loc_index));
  return innodb_clone_apply(reinterpret_cast<handlerton *>(hton), as_thd(thd),
                            reinterpret_cast<const unsigned char *>(loc),
                            static_cast<unsigned int>(loc_len), static_cast<unsigned int>(task), 0,
                            &callback);
}

// Hands the recipient's acknowledgement (or its error) to the donor's InnoDB.
jint remote_ack(JNIEnv *env, jclass, jlong hton, jlong thd, jlong loc, jint loc_len,
                jint in_error, jobject handler, jobject descriptor, jint descriptor_length) {
  unsigned char *desc = address_of(env, descriptor);
  JavaCloneCallback callback(env, handler, 0);
  callback.set_data_desc(descriptor_length > 0 ? desc : nullptr,
                         static_cast<unsigned int>(descriptor_length));
  return innodb_clone_ack(reinterpret_cast<handlerton *>(hton), as_thd(thd),
                          reinterpret_cast<const unsigned char *>(loc),
                          static_cast<unsigned int>(loc_len), 0, in_error, &callback);
}

// Tells InnoDB's other tasks on this recipient that the clone failed (apply with an error).
jint remote_apply_error(JNIEnv *, jclass, jlong hton, jlong thd, jlong loc, jint loc_len, jint task,
                        jint in_error) {
  return innodb_clone_apply(reinterpret_cast<handlerton *>(hton), as_thd(thd),
                            reinterpret_cast<const unsigned char *>(loc),
                            static_cast<unsigned int>(loc_len), static_cast<unsigned int>(task),
                            in_error, nullptr);
}

// The callback's current descriptor as a view (valid during the callback).
jobject remote_callback_descriptor(JNIEnv *env, jclass, jlong callback) {
  unsigned int length = 0;
  const unsigned char *desc =
      reinterpret_cast<Ha_clone_cbk *>(callback)->data_desc(&length);
  return view(env, const_cast<unsigned char *>(desc), desc == nullptr ? 0 : length);
}

jint remote_callback_locator_index(JNIEnv *, jclass, jlong callback) {
  return static_cast<jint>(reinterpret_cast<Ha_clone_cbk *>(callback)->loc_index());
}

jboolean remote_callback_secure(JNIEnv *, jclass, jlong callback) {
  return reinterpret_cast<Ha_clone_cbk *>(callback)->is_secure() ? JNI_TRUE : JNI_FALSE;
}

// Locators cross between InnoDB's memory and the wire by address.
jlong remote_address_of(JNIEnv *env, jclass, jobject buffer) {
  return reinterpret_cast<jlong>(address_of(env, buffer));
}

jobject remote_view_at(JNIEnv *env, jclass, jlong address, jint length) {
  return view(env, reinterpret_cast<unsigned char *>(address), address == 0 ? 0 : length);
}

const JNINativeMethod remote_methods[] = {
    NATIVE("connect", "(J[BI[B[BI[B[B[BLjava/nio/ByteBuffer;)J", remote_connect),
    NATIVE("sendCommand", "(JJZILjava/nio/ByteBuffer;I)I", remote_send_command),
    NATIVE("getResponse", "(JJZI[J)Ljava/nio/ByteBuffer;", remote_get_response),
    NATIVE("kill", "(JJ)I", remote_kill),
    NATIVE("disconnect", "(JJZZ)V", remote_disconnect),
    NATIVE("clearError", "(J)V", remote_clear_error),
    NATIVE("getCommand", "(J[J)Ljava/nio/ByteBuffer;", remote_get_command),
    NATIVE("sendResponse", "(JZLjava/nio/ByteBuffer;I)I", remote_send_response),
    NATIVE("sendError", "(JIZ)I", remote_send_error),
    NATIVE("charsets", "(J)[Ljava/lang/String;", remote_charsets),
    NATIVE("validateCharsets", "(J[Ljava/lang/String;)I", remote_validate_charsets),
    NATIVE("configs", "(J[Ljava/lang/String;)[Ljava/lang/String;", remote_configs),
    NATIVE("validateConfigs", "(J[Ljava/lang/String;[Ljava/lang/String;)I",
           remote_validate_configs),
    NATIVE("plugins", "(J)[Ljava/lang/String;", remote_plugins),
    NATIVE("pluginInstalled", "(JLjava/lang/String;)Z", remote_plugin_installed),
    NATIVE("libraryLoadable", "([B)Z", remote_library_loadable),
    NATIVE("apply",
           "(JJJIILorg/jclone/core/engine/CloneCallbacks;Ljava/nio/ByteBuffer;III)I",
           remote_apply),
    NATIVE("ack", "(JJJIILorg/jclone/core/engine/CloneCallbacks;Ljava/nio/ByteBuffer;I)I",
           remote_ack),
    NATIVE("applyError", "(JJJIII)I", remote_apply_error),
    NATIVE("callbackDescriptor", "(J)Ljava/nio/ByteBuffer;", remote_callback_descriptor),
    NATIVE("callbackLocatorIndex", "(J)I", remote_callback_locator_index),
    NATIVE("callbackSecure", "(J)Z", remote_callback_secure),
    NATIVE("addressOf", "(Ljava/nio/ByteBuffer;)J", remote_address_of),
    NATIVE("viewAt", "(JI)Ljava/nio/ByteBuffer;", remote_view_at),
};


}  // namespace

bool register_remote_natives(JNIEnv *env, std::string *error) {
  jclass type = core_class(env, kRemoteNatives);
  if (type == nullptr ||
      env->RegisterNatives(type, remote_methods,
                           sizeof(remote_methods) / sizeof(remote_methods[0])) != JNI_OK) {
    env->ExceptionClear();
    if (type != nullptr) env->DeleteLocalRef(type);
    *error = std::string("cannot bind the native methods of ") + kRemoteNatives;
    return false;
  }
  env->DeleteLocalRef(type);
  return true;
}

void unregister_remote_natives(JNIEnv *env) {
  jclass type = core_class(env, kRemoteNatives);
  if (type != nullptr) {
    env->UnregisterNatives(type);
    env->DeleteLocalRef(type);
  }
  env->ExceptionClear();
}

}  // namespace jclone
