#include "sysvars.h"

#include <cstring>

#include "boundary.h"
#include "java_bridge.h"

namespace jclone {
namespace {

using namespace sysvar_flag;

constexpr unsigned int kMiB = 1024 * 1024;

// Storage for the values; the server writes them through the pointers below.
unsigned int buffer_size;
bool block_ddl;
unsigned int ddl_timeout;
bool autotune_concurrency;
unsigned int max_concurrency;
unsigned int max_network_bandwidth;
unsigned int max_data_bandwidth;
bool enable_compression;
char *valid_donor_list;
char *ssl_key;
char *ssl_cert;
char *ssl_ca;
unsigned int donor_timeout_after_network_failure;
unsigned int delay_after_data_drop;
char *java_home;
char *java_class_path;
char *java_options;

// What the plugin resolved at init; kept alive for the server to read.
std::string resolved_java_home;
std::string resolved_java_class_path;

// SET GLOBAL clone_valid_donor_list: the format rule lives in Java.
int check_donor_list_unguarded(THD *thd, SysVarHeader *, void *save, ServerValue *value) {
  char buffer[512];
  int length = sizeof(buffer);
  const char *text = value->val_str(value, buffer, &length);
  if (text == nullptr) {
    *static_cast<const char **>(save) = nullptr;
    return 0;
  }
  if (!java_validate_donor_list(thd, text)) {
    *static_cast<const char **>(save) = nullptr;
    return 1;
  }
  // The server copies the value (MEMALLOC) before the statement ends.
  *static_cast<const char **>(save) = text == buffer ? thd_strmake(thd, text, length) : text;
  return 0;
}

int check_donor_list(THD *thd, SysVarHeader *var, void *save, ServerValue *value) {
  return guarded("checking clone_valid_donor_list", 1,
                 [&] { return check_donor_list_unguarded(thd, var, save, value); });
}

SysVarUint var_buffer_size = {
    {kInt | kUnsigned | kRqCmdArg, "buffer_size", "buffer size used by clone for data transfer",
     nullptr, nullptr},
    &buffer_size, 4 * kMiB, kMiB, 256 * kMiB, kMiB};

SysVarBool var_block_ddl = {
    {kBool | kNoCmdArg, "block_ddl", "If clone should block concurrent DDL", nullptr, nullptr},
    &block_ddl, false};

SysVarUint var_ddl_timeout = {
    {kInt | kUnsigned | kRqCmdArg, "ddl_timeout", "Time in seconds to wait for DDL lock", nullptr,
     nullptr},
    &ddl_timeout, 300, 0, 60 * 60 * 24 * 30, 1};

SysVarBool var_autotune_concurrency = {
    {kBool | kNoCmdArg, "autotune_concurrency", "If concurrency is automatically tuned", nullptr,
     nullptr},
    &autotune_concurrency, true};

SysVarUint var_max_concurrency = {
    {kInt | kUnsigned | kRqCmdArg, "max_concurrency",
     "Maximum number of concurrent threads for clone", nullptr, nullptr},
    &max_concurrency, 16, 1, 128, 1};

SysVarUint var_max_network_bandwidth = {
    {kInt | kUnsigned | kRqCmdArg, "max_network_bandwidth",
     "Maximum network bandwidth for clone in MiB/sec", nullptr, nullptr},
    &max_network_bandwidth, 0, 0, 1024 * 1024, 1};

SysVarUint var_max_data_bandwidth = {
    {kInt | kUnsigned | kRqCmdArg, "max_data_bandwidth",
     "Maximum File data bandwidth for clone in MiB/sec", nullptr, nullptr},
    &max_data_bandwidth, 0, 0, 1024 * 1024, 1};

SysVarBool var_enable_compression = {
    {kBool | kNoCmdArg, "enable_compression", "If compression is done at network", nullptr,
     nullptr},
    &enable_compression, false};

SysVarStr var_valid_donor_list = {
    {kStr | kOpCmdArg | kMemAlloc, "valid_donor_list",
     "List of valid donor addresses allowed to clone from HOST1:PORT1,HOST2:PORT2,...",
     check_donor_list, nullptr},
    &valid_donor_list, nullptr};

SysVarStr var_ssl_key = {{kStr | kOpCmdArg | kMemAlloc, "ssl_key",
                          "SSL path name of the SSL private key file", nullptr, nullptr},
                         &ssl_key, nullptr};

SysVarStr var_ssl_cert = {{kStr | kOpCmdArg | kMemAlloc, "ssl_cert",
                           "SSL path name of the public key certificate file", nullptr, nullptr},
                          &ssl_cert, nullptr};

SysVarStr var_ssl_ca = {{kStr | kOpCmdArg | kMemAlloc, "ssl_ca",
                         "SSL path name for Certificate Authority (CA) file", nullptr, nullptr},
                        &ssl_ca, nullptr};

SysVarUint var_donor_timeout_after_network_failure = {
    {kInt | kUnsigned | kRqCmdArg, "donor_timeout_after_network_failure",
     "Time in minutes up to which donor allows recipient to re-connect and restart cloning "
     "after network failure.",
     nullptr, nullptr},
    &donor_timeout_after_network_failure, 5, 0, 30, 1};

SysVarUint var_delay_after_data_drop = {
    {kInt | kUnsigned | kRqCmdArg, "delay_after_data_drop",
     "Time in seconds to wait after removing data.", nullptr, nullptr},
    &delay_after_data_drop, 0, 0, 60 * 60, 1};

// Not in MySQL's plugin: where the embedded JVM comes from. Read-only because
// one JVM lives for the whole server process; not persistable because they decide
// what code mysqld runs at its next start, which an SQL account must not decide.
SysVarStr var_java_home = {
    {kStr | kOpCmdArg | kReadOnly | kNoPersist, "java_home",
     "JDK or JRE (17 or newer) whose libjvm.so the plugin loads. Default: JAVA_HOME of the "
     "server's environment, then well-known JDK locations.",
     nullptr, nullptr},
    &java_home, nullptr};

SysVarStr var_java_class_path = {
    {kStr | kOpCmdArg | kReadOnly | kNoPersist, "java_class_path",
     "Class path of the plugin's Java core. Default: mysql_clone.jar beside mysql_clone.so.",
     nullptr, nullptr},
    &java_class_path, nullptr};

SysVarStr var_java_options = {
    {kStr | kOpCmdArg | kReadOnly | kNoPersist, "java_options",
     "Extra JVM options, separated by spaces, added after the plugin's own.", nullptr, nullptr},
    &java_options, nullptr};

void *variables[] = {
    &var_buffer_size,
    &var_block_ddl,
    &var_ddl_timeout,
    &var_max_concurrency,
    &var_max_network_bandwidth,
    &var_max_data_bandwidth,
    &var_enable_compression,
    &var_autotune_concurrency,
    &var_valid_donor_list,
    &var_ssl_key,
    &var_ssl_cert,
    &var_ssl_ca,
    &var_donor_timeout_after_network_failure,
    &var_delay_after_data_drop,
    &var_java_home,
    &var_java_class_path,
    &var_java_options,
    nullptr,
};

struct NumericVar {
  const char *name;
  const unsigned int *uint_value;
  const bool *bool_value;
};

const NumericVar numeric_vars[] = {
    {"clone_buffer_size", &buffer_size, nullptr},
    {"clone_block_ddl", nullptr, &block_ddl},
    {"clone_ddl_timeout", &ddl_timeout, nullptr},
    {"clone_autotune_concurrency", nullptr, &autotune_concurrency},
    {"clone_max_concurrency", &max_concurrency, nullptr},
    {"clone_max_network_bandwidth", &max_network_bandwidth, nullptr},
    {"clone_max_data_bandwidth", &max_data_bandwidth, nullptr},
    {"clone_enable_compression", nullptr, &enable_compression},
    {"clone_donor_timeout_after_network_failure", &donor_timeout_after_network_failure, nullptr},
    {"clone_delay_after_data_drop", &delay_after_data_drop, nullptr},
};

struct StringVar {
  const char *name;
  char *const *value;
};

const StringVar string_vars[] = {
    {"clone_valid_donor_list", &valid_donor_list}, {"clone_ssl_key", &ssl_key},
    {"clone_ssl_cert", &ssl_cert},                 {"clone_ssl_ca", &ssl_ca},
    {"clone_java_home", &java_home},               {"clone_java_class_path", &java_class_path},
    {"clone_java_options", &java_options},
};

}  // namespace

void **system_variables() { return variables; }

bool sysvar_long(const std::string &name, long long *value) {
  for (const auto &var : numeric_vars) {
    if (name == var.name) {
      *value = var.uint_value != nullptr ? *var.uint_value : (*var.bool_value ? 1 : 0);
      return true;
    }
  }
  return false;
}

bool sysvar_string(const std::string &name, std::string *value) {
  for (const auto &var : string_vars) {
    if (name == var.name) {
      *value = *var.value != nullptr ? *var.value : "";
      return true;
    }
  }
  return false;
}

const char *java_home_setting() { return java_home; }
const char *java_class_path_setting() { return java_class_path; }
const char *java_options_setting() { return java_options; }

void publish_java_home(const std::string &home) {
  resolved_java_home = home;
  java_home = const_cast<char *>(resolved_java_home.c_str());
}

void publish_java_class_path(const std::string &class_path) {
  resolved_java_class_path = class_path;
  java_class_path = const_cast<char *>(resolved_java_class_path.c_str());
}

}  // namespace jclone
