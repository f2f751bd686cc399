// The plugin's doorway into the Java core: starts it, stops it, and turns every
// call into it into a plain error code. No Java exception crosses back into the
// server, and no C++ exception leaves this layer.
#pragma once

#include <jni.h>

#include <string>

#include "server_abi.h"

namespace jclone {

// Starts (or re-attaches to) the JVM, registers the natives and starts the core.
// On failure returns false with one line saying what is missing and where.
bool java_start(void *plugin, const std::string &plugin_dir, std::string *error);

// Stops the core and unregisters the natives, so the library can be unloaded
// while the JVM lives on.
void java_stop();

// CLONE LOCAL DATA DIRECTORY: 0, or the MySQL error code already raised on thd.
int java_clone_local(THD *thd, const char *data_dir);

// CLONE INSTANCE FROM on the recipient: 0, or the MySQL error code already raised on thd.
// data_dir is null when the clone replaces this server's own data.
int java_clone_remote(THD *thd, const char *host, unsigned int port, const char *user,
                      const char *password, const char *data_dir, int ssl_mode);

// A COM_CLONE connection on the donor: serves the recipient's commands until EXIT.
int java_clone_serve(THD *thd);

// True if the Java core accepts this clone_valid_donor_list value (it raises the error otherwise).
bool java_validate_donor_list(THD *thd, const char *value);

// True while a clone started by this plugin is running.
bool java_clone_in_progress();

// The plugin handle the server gave init, for its log function.
void **plugin_handle();
void set_plugin_handle(void *plugin);

// A class of the Java core ("a/b/C"), loaded by this INSTALL's class loader (a local
// reference), or nullptr with a Java exception pending. FindClass would ask the JVM's
// system class loader, which does not hold the core.
jclass core_class(JNIEnv *env, const char *name);

// Logs one line to the server's error log.
void log_line(plugin_log_level level, const std::string &line);

// A pending Java exception becomes a log line and is cleared; returns true if there was one.
bool clear_pending_exception(JNIEnv *env, const char *where);

JavaVM *java_vm();

}  // namespace jclone
