// The plugin as the server sees it: one CLONE plugin named "clone" in
// mysql_clone.so, whose work is done by the Java core.
#include <dlfcn.h>

#include <cstring>
#include <string>

#include "boundary.h"
#include "java_bridge.h"
#include "psi_keys.h"
#include "server_abi.h"
#include "status_tables.h"
#include "sysvars.h"

namespace {

constexpr const char *kPluginName = "clone";
constexpr unsigned int kPluginVersion = 0x0100;
// clone_handle_create's answer during mysqld --initialize (checked in the binary):
// the handler works, but performance_schema cannot take tables yet.
constexpr int kInitBootstrapComplete = 10456;  // ER_INIT_BOOTSTRAP_COMPLETE

// Directory of this library: the default home of the core's jars.
std::string library_directory() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void *>(&library_directory), &info) == 0 ||
      info.dli_fname == nullptr) {
    return ".";
  }
  std::string path = info.dli_fname;
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// The declarations in server_abi.h are 8.0.31's layouts: any other server would be
// corrupted by them, so the plugin refuses it ("8.0.31" or "8.0.31-<suffix>").
bool server_is_8_0_31() {
  constexpr const char kVersion[] = "8.0.31";
  constexpr size_t kLength = sizeof(kVersion) - 1;
  return std::strncmp(server_version, kVersion, kLength) == 0 &&
         (server_version[kLength] == '\0' || server_version[kLength] == '-');
}

int clone_plugin_init(void *plugin) {
  jclone::set_plugin_handle(plugin);
  if (!server_is_8_0_31()) {
    my_plugin_log_message(jclone::plugin_handle(), MY_ERROR_LEVEL,
                          "Clone plugin is built for MySQL 8.0.31 only and refuses server "
                          "version %.40s",
                          server_version);
    return 1;
  }
  // The handler first: a server that refuses it (upgrade from 5.7, --initialize)
  // never gets a JVM.
  int rc = clone_handle_create(kPluginName);
  if (rc == kInitBootstrapComplete) return 0;
  if (rc != 0) return rc;
  std::string error;
  // Guarded here, not only by guarded_init, so that the handler is dropped whatever fails.
  bool java_started = jclone::guarded("starting the Java engine", false, [&] {
    return jclone::java_start(plugin, library_directory(), &error);
  });
  if (!java_started) {
    my_plugin_log_message(jclone::plugin_handle(), MY_ERROR_LEVEL,
                          "Clone plugin cannot start its Java engine: %s",
                          error.empty() ? "see the line above" : error.c_str());
    clone_handle_drop();
    return 1;
  }
  jclone::psi_register_keys();
  if (!jclone::status_tables_create(&error)) {
    my_plugin_log_message(jclone::plugin_handle(), MY_ERROR_LEVEL,
                          "Clone plugin cannot add its performance_schema tables: %s",
                          error.c_str());
    clone_handle_drop();
    jclone::java_stop();
    return 1;
  }
  return 0;
}

int clone_plugin_check_uninstall(void *plugin) {
  if (jclone::java_clone_in_progress()) {
    my_printf_error(1883 /* ER_PLUGIN_CANNOT_BE_UNINSTALLED */,
                    "Plugin '%s' cannot be uninstalled now. %s", 0, kPluginName,
                    "Clone in progress");
    return 1;
  }
  return clone_handle_check_drop(plugin);
}

int clone_plugin_deinit(void *) {
  jclone::status_tables_drop();
  clone_handle_drop();
  jclone::java_stop();
  return 0;
}

int clone_local(THD *thd, const char *data_dir) {
  // The statement shows as statement/clone/local instead of statement/abstract/clone.
  mysql_clone_start_statement(thd, 0, jclone::psi_local_statement_key());
  return jclone::java_clone_local(thd, data_dir);
}

// What the server calls, each behind the C++-exception guard.
int guarded_init(void *plugin) {
  return jclone::guarded("clone plugin init", 1, [&] { return clone_plugin_init(plugin); });
}
int guarded_check_uninstall(void *plugin) {
  return jclone::guarded("clone plugin uninstall check", 1,
                         [&] { return clone_plugin_check_uninstall(plugin); });
}
int guarded_deinit(void *plugin) {
  return jclone::guarded("clone plugin deinit", 0, [&] { return clone_plugin_deinit(plugin); });
}
int guarded_clone_local(THD *thd, const char *data_dir) {
  constexpr int kCaught = -1;
  int rc = jclone::guarded("CLONE LOCAL", kCaught, [&] { return clone_local(thd, data_dir); });
  if (rc != kCaught) return rc;
  // The statement must fail with an error the client sees, not just a code.
  my_printf_error(1815 /* ER_INTERNAL_ERROR */, "Internal error: %s", 0,
                  "clone: the clone plugin ran out of memory");
  return 1815;
}

int clone_remote_client(THD *thd, const char *host, unsigned int port, const char *user,
                        const char *password, const char *data_dir, int ssl_mode) {
  // The statement shows as statement/clone/client.
  mysql_clone_start_statement(thd, 0, jclone::psi_client_statement_key());
  return jclone::java_clone_remote(thd, host, port, user, password, data_dir, ssl_mode);
}

int clone_remote_server(THD *thd, ServerSocket) {
  // Only the session that begins the clone becomes statement/clone/server, once its INIT
  // arrives (DonorSession, through ServerSessions.startDonorStatement), as with MySQL's donor.
  return jclone::java_clone_serve(thd);
}

int guarded_clone_remote_client(THD *thd, const char *host, unsigned int port, const char *user,
                                const char *password, const char *data_dir, int ssl_mode) {
  constexpr int kCaught = -1;
  int rc = jclone::guarded("CLONE INSTANCE", kCaught, [&] {
    return clone_remote_client(thd, host, port, user, password, data_dir, ssl_mode);
  });
  if (rc != kCaught) return rc;
  my_printf_error(1815 /* ER_INTERNAL_ERROR */, "Internal error: %s", 0,
                  "clone: the clone plugin ran out of memory");
  return 1815;
}

int guarded_clone_remote_server(THD *thd, ServerSocket socket) {
  constexpr int kCaught = -1;
  int rc = jclone::guarded("clone donor", kCaught, [&] { return clone_remote_server(thd, socket); });
  return rc != kCaught ? rc : 1815;
}

CloneDescriptor clone_descriptor = {kCloneInterfaceVersion, guarded_clone_local,
                                    guarded_clone_remote_client,
                                    guarded_clone_remote_server};

}  // namespace

#define PLUGIN_EXPORT __attribute__((visibility("default")))

extern "C" {
PLUGIN_EXPORT int _mysql_plugin_interface_version_ = kPluginInterfaceVersion;
PLUGIN_EXPORT int _mysql_sizeof_struct_st_plugin_ = sizeof(PluginDeclaration);
PLUGIN_EXPORT PluginDeclaration _mysql_plugin_declarations_[] = {
    {kPluginTypeClone, &clone_descriptor, kPluginName, "jclone project",
     "CLONE PLUGIN (Java engine)", kPluginLicenseGpl, guarded_init, guarded_check_uninstall,
     guarded_deinit, kPluginVersion, nullptr,
     jclone::system_variables(), nullptr, 0},
    {0, nullptr, nullptr, nullptr, nullptr, 0, nullptr, nullptr, nullptr, 0, nullptr, nullptr,
     nullptr, 0}};
}  // extern "C"
