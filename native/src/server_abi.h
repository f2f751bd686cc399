// Declarations of the MySQL 8.0.31 server ABI this plugin relies on.
// Written from the binary's exported symbols (nm -D mysqld) and its calling
// conventions; every shape here is checked by a test that loads the plugin into
// the real server (a wrong parameter type shows up as an unresolved symbol).
#pragma once

#include <cstddef>
#include <cstdint>

// Every layout below is 8.0.31's on x86-64 Linux; nowhere else can they be trusted.
#if !defined(__x86_64__) || !defined(__linux__)
#error "mysql_clone.so is written against MySQL 8.0.31 on x86-64 Linux only"
#endif

class THD;
struct handlerton;

// ---- Plugin library ABI --------------------------------------------------

constexpr int kPluginInterfaceVersion = 0x010A;
constexpr int kPluginTypeClone = 11;
constexpr int kPluginLicenseGpl = 1;
constexpr int kCloneInterfaceVersion = 0x0100;

struct PluginDeclaration {
  int type;
  void *type_descriptor;
  const char *name;
  const char *author;
  const char *description;
  int license;
  int (*init)(void *plugin);
  int (*check_uninstall)(void *plugin);
  int (*deinit)(void *plugin);
  unsigned int version;
  void *status_vars;
  void **system_vars;
  void *reserved;
  unsigned long flags;
};

// Opaque to the plugin: a performance-schema-instrumented socket. The server's own name,
// since it is part of mysql_clone_connect's mangled name.
struct MYSQL_SOCKET {
  int fd;
  void *psi;
};
using ServerSocket = MYSQL_SOCKET;

struct CloneDescriptor {
  int interface_version;
  int (*clone_local)(THD *thd, const char *data_dir);
  int (*clone_client)(THD *thd, const char *host, unsigned int port, const char *user,
                      const char *password, const char *data_dir, int ssl_mode);
  int (*clone_server)(THD *thd, ServerSocket socket);
};

// ---- System variables ----------------------------------------------------

namespace sysvar_flag {
constexpr int kBool = 0x0001;
constexpr int kInt = 0x0002;
constexpr int kStr = 0x0005;
constexpr int kUnsigned = 0x0080;
constexpr int kReadOnly = 0x0200;
constexpr int kNoCmdArg = 0x1000;
constexpr int kRqCmdArg = 0x0000;
constexpr int kOpCmdArg = 0x2000;
constexpr int kMemAlloc = 0x8000;
// The server refuses SET PERSIST and SET PERSIST_ONLY for such a variable (value from
// the 8.0 plugin ABI; the refusal on 8.0.31 is checked by JvmSafetyTest).
constexpr int kNoPersist = 0x10000;
}  // namespace sysvar_flag

// The value a SET statement or option hands to a check function.
struct ServerValue {
  int (*value_type)(ServerValue *);
  const char *(*val_str)(ServerValue *, char *buffer, int *length);
  int (*val_real)(ServerValue *, double *);
  int (*val_int)(ServerValue *, long long *);
  int (*is_unsigned)(ServerValue *);
};

struct SysVarHeader;
using SysVarCheck = int (*)(THD *, SysVarHeader *, void *save, ServerValue *value);
using SysVarUpdate = void (*)(THD *, SysVarHeader *, void *var, const void *save);

struct SysVarHeader {
  int flags;
  const char *name;
  const char *comment;
  SysVarCheck check;
  SysVarUpdate update;
};

struct SysVarBool {
  SysVarHeader header;
  bool *value;
  bool default_value;
};

struct SysVarStr {
  SysVarHeader header;
  char **value;
  const char *default_value;
};

struct SysVarUint {
  SysVarHeader header;
  unsigned int *value;
  unsigned int default_value;
  unsigned int min_value;
  unsigned int max_value;
  unsigned int block_size;
};

// ---- Storage-engine clone interface --------------------------------------

enum Ha_clone_type : size_t {
  HA_CLONE_BLOCKING = 0,
  HA_CLONE_REDO = 1,
  HA_CLONE_PAGE = 2,
  HA_CLONE_HYBRID = 3,
  HA_CLONE_MULTI_TASK = 4,
  HA_CLONE_RESTART = 5,
};

enum Ha_clone_mode {
  HA_CLONE_MODE_START = 0,
  HA_CLONE_MODE_RESTART = 1,
  HA_CLONE_MODE_ADD_TASK = 2,
  HA_CLONE_MODE_VERSION = 3,
};

struct Ha_clone_file {
  enum { FILE_HANDLE = 0, FILE_DESC = 1 } type;
  union {
    void *file_handle;
    int file_desc;
  };
};

// The callback object InnoDB drives during copy and apply. InnoDB's inlined
// accessors read the data members directly, so their order, types and the
// five per-object flag constants must match the server's class exactly.
class Ha_clone_cbk {
 public:
  virtual int file_cbk(Ha_clone_file from_file, unsigned int len) = 0;
  virtual int buffer_cbk(unsigned char *from_buffer, unsigned int len) = 0;
  virtual int apply_file_cbk(Ha_clone_file to_file) = 0;
  virtual int apply_buffer_cbk(unsigned char *&to_buffer, unsigned int &len) = 0;
  virtual ~Ha_clone_cbk() = default;

  unsigned int client_buffer_size() const { return client_buffer_size_; }
  void set_client_buffer_size(unsigned int size) { client_buffer_size_ = size; }
  const char *source_name() const { return source_name_; }
  const char *dest_name() const { return dest_name_; }
  bool is_state_change(uint64_t &estimate) const {
    estimate = state_estimate_;
    return (flags_ & kStateChange) != 0;
  }
  bool is_os_buffer_cache() const { return (flags_ & kFileCache) != 0; }
  bool is_zero_copy() const { return (flags_ & kZeroCopy) != 0; }
  bool is_secure() const { return (flags_ & kSecure) != 0; }
  // The descriptor InnoDB set before a copy callback, or the one a remote task hands InnoDB.
  void set_data_desc(const unsigned char *desc, unsigned int len) {
    data_desc_ = desc;
    desc_len_ = len;
  }
  const unsigned char *data_desc(unsigned int *len) const {
    *len = desc_len_;
    return data_desc_;
  }
  unsigned int loc_index() const { return loc_index_; }
  void set_loc_index(unsigned int index) { loc_index_ = index; }

 private:
  handlerton *hton_ = nullptr;
  unsigned int loc_index_ = 0;
  unsigned int client_buffer_size_ = 0;
  const unsigned char *data_desc_ = nullptr;
  unsigned int desc_len_ = 0;
  const char *source_name_ = nullptr;
  const char *dest_name_ = nullptr;
  uint64_t state_estimate_ = 0;
  int flags_ = 0;
  const int kAck = 0x01;
  const int kFileCache = 0x02;
  const int kZeroCopy = 0x04;
  const int kSecure = 0x08;
  const int kStateChange = 0x10;
};

// ---- Server functions (resolved against mysqld at dlopen time) -----------

enum legacy_db_type { DB_TYPE_INNODB = 12 };

enum plugin_log_level {
  MY_ERROR_LEVEL = 0,
  MY_WARNING_LEVEL = 1,
  MY_INFORMATION_LEVEL = 2,
};

enum enum_backup_lock_service_lock_kind { BACKUP_LOCK_SERVICE_DEFAULT = 0 };

handlerton *ha_resolve_by_legacy_type(THD *thd, legacy_db_type db_type);

int clone_handle_create(const char *plugin_name);
int clone_handle_drop();
int clone_handle_check_drop(void *plugin);

int innodb_clone_begin(handlerton *hton, THD *thd, const unsigned char *&loc,
                       unsigned int &loc_len, unsigned int &task_id, Ha_clone_type type,
                       Ha_clone_mode mode);
int innodb_clone_copy(handlerton *hton, THD *thd, const unsigned char *loc,
                      unsigned int loc_len, unsigned int task_id, Ha_clone_cbk *cbk);
int innodb_clone_ack(handlerton *hton, THD *thd, const unsigned char *loc,
                     unsigned int loc_len, unsigned int task_id, int in_err,
                     Ha_clone_cbk *cbk);
int innodb_clone_end(handlerton *hton, THD *thd, const unsigned char *loc,
                     unsigned int loc_len, unsigned int task_id, int in_err);
int innodb_clone_apply_begin(handlerton *hton, THD *thd, const unsigned char *&loc,
                             unsigned int &loc_len, unsigned int &task_id,
                             Ha_clone_mode mode, const char *data_dir);
int innodb_clone_apply(handlerton *hton, THD *thd, const unsigned char *loc,
                       unsigned int loc_len, unsigned int task_id, int in_err,
                       Ha_clone_cbk *cbk);
int innodb_clone_apply_end(handlerton *hton, THD *thd, const unsigned char *loc,
                           unsigned int loc_len, unsigned int task_id, int in_err);

void mysql_clone_start_statement(THD *&thd, unsigned int thread_key,
                                 unsigned int statement_key);
void mysql_clone_finish_statement(THD *thd);
void mysql_clone_get_error(THD *thd, unsigned int *error, const char **message);

// Both return 0 on success (the component service status convention).
int mysql_acquire_backup_lock(THD *thd, enum_backup_lock_service_lock_kind kind,
                              unsigned long timeout);
int mysql_release_backup_lock(THD *thd);

void my_printf_error(unsigned int error, const char *format, int flags, ...);
void my_plugin_log_message(void **plugin, plugin_log_level level, const char *format, ...);

// Copies a string into memory that lives as long as the statement.
char *thd_strmake(THD *thd, const char *str, size_t length);

// The running server's version, e.g. "8.0.31" or "8.0.31-debug" (a global char array;
// `nm -D mysqld` lists it as "B server_version").
extern char server_version[];

// ---- Remote clone: the server's clone protocol functions ------------------
// Declared from the 8.0.31 binary's exported symbols (nm -D | c++filt); return types from
// the clone_protocol service they also back.

struct MYSQL;  // a client connection the server opened; opaque
struct NetServerExtension;  // NET_SERVER; opaque, only passed as null

// The server's name for it, part of mysql_clone_connect's mangled name.
struct mysql_clone_ssl_context {
  int ssl_mode;  // 1 DISABLED, 2 PREFERRED, 3 REQUIRED (4 VERIFY_CA when a CA is set)
  const char *ssl_key;
  const char *ssl_cert;
  const char *ssl_ca;
  bool enable_compression;
  NetServerExtension *server_extension;
};
using CloneSslContext = mysql_clone_ssl_context;

MYSQL *mysql_clone_connect(THD *thd, const char *host, unsigned int port, const char *user,
                           const char *password, CloneSslContext *ssl, ServerSocket *socket);
int mysql_clone_send_command(THD *thd, MYSQL *connection, bool set_active, unsigned char command,
                             unsigned char *buffer, size_t length);
int mysql_clone_get_response(THD *thd, MYSQL *connection, bool set_active, uint32_t timeout,
                             unsigned char **packet, size_t *length, size_t *network_length);
int mysql_clone_kill(MYSQL *connection, MYSQL *victim);
void mysql_clone_disconnect(THD *thd, MYSQL *connection, bool is_fatal, bool clear_error);
int mysql_clone_get_command(THD *thd, unsigned char *command, unsigned char **buffer,
                            size_t *length);
int mysql_clone_send_response(THD *thd, bool secure, unsigned char *packet, size_t length);
int mysql_clone_send_error(THD *thd, unsigned char error_command, bool is_fatal);

extern "C" {
int thd_killed(const THD *thd);
unsigned long thd_get_thread_id(const THD *thd);
}
