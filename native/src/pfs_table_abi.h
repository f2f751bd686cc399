// Declarations of the component services a plugin uses to add tables to
// performance_schema, as MySQL 8.0.31 implements them. The method order of each
// service was read off the binary: the imp_performance_schema_pfs_plugin_* data
// symbols hold function pointers whose exported names (set_field_uinteger_v1,
// set_field_varchar_utf8mb4_v1, set_field_timestamp2_v1, ...) give each slot.
#pragma once

#include <cstdint>

// ---- The component registry (mysql_plugin_registry_acquire) ----------------

using ServiceHandle = void *;

// The struct's name is part of mysql_plugin_registry_release's mangled name.
struct s_mysql_registry {
  // 0 on success (mysql_service_status_t is an int).
  int (*acquire)(const char *name, ServiceHandle *out);
  int (*acquire_related)(const char *name, ServiceHandle related, ServiceHandle *out);
  int (*release)(ServiceHandle service);
};
using ServiceRegistry = s_mysql_registry;

const ServiceRegistry *mysql_plugin_registry_acquire();
int mysql_plugin_registry_release(const ServiceRegistry *registry);

// ---- Plugin tables ---------------------------------------------------------

struct PsiField;        // a column value being read
struct PsiTableHandle;  // the plugin's cursor
struct PsiPosition;     // bytes PFS saves and restores for rnd_pos
struct PsiKeyReader;
struct PsiIndexHandle;

constexpr int kPfsEndOfFile = 137;  // HA_ERR_END_OF_FILE
constexpr int kPfsOutOfMemory = 128;  // HA_ERR_OUT_OF_MEM

struct PfsTableCallbacks {
  int (*rnd_next)(PsiTableHandle *);
  int (*rnd_init)(PsiTableHandle *, bool scan);
  int (*rnd_pos)(PsiTableHandle *);
  int (*index_init)(PsiTableHandle *, unsigned int, bool, PsiIndexHandle **);
  int (*index_read)(PsiIndexHandle *, PsiKeyReader *, unsigned int, int);
  int (*index_next)(PsiTableHandle *);
  int (*read_column_value)(PsiTableHandle *, PsiField *, unsigned int index);
  void (*reset_position)(PsiTableHandle *);
  int (*write_column_value)(PsiTableHandle *, PsiField *, unsigned int);
  int (*write_row_values)(PsiTableHandle *);
  int (*update_column_value)(PsiTableHandle *, PsiField *, unsigned int);
  int (*update_row_values)(PsiTableHandle *);
  int (*delete_row_values)(PsiTableHandle *);
  PsiTableHandle *(*open_table)(PsiPosition **position);
  void (*close_table)(PsiTableHandle *);
};

enum PfsTableAccess : int { kPfsReadOnly = 0 };

struct PfsTableShare {
  PfsTableCallbacks callbacks;
  const char *table_name;
  unsigned int table_name_length;
  const char *table_definition;  // column list, as in CREATE TABLE
  unsigned int ref_length;       // size of the position PFS saves
  PfsTableAccess access;
  int (*delete_all_rows)();
  unsigned long long (*get_row_count)();
};

// "pfs_plugin_table_v1"
struct PfsPluginTableService {
  int (*add_tables)(PfsTableShare **shares, unsigned int count);
  int (*delete_tables)(PfsTableShare **shares, unsigned int count);
};

// Column values: a value and a NULL flag, passed by value.
struct PsiUnsignedLong {
  unsigned long value;
  bool is_null;
};
struct PsiUnsignedLongLong {
  unsigned long long value;
  bool is_null;
};

// "pfs_plugin_column_integer_v1" (only the setters this plugin uses are named)
struct PfsIntegerColumnService {
  void (*set)(PsiField *, PsiUnsignedLong);  // signed variant, unused
  void (*set_unsigned)(PsiField *, PsiUnsignedLong);
};

// "pfs_plugin_column_bigint_v1"
struct PfsBigintColumnService {
  void (*set)(PsiField *, PsiUnsignedLongLong);  // signed variant, unused
  void (*set_unsigned)(PsiField *, PsiUnsignedLongLong);
};

// "pfs_plugin_column_string_v2"
struct PfsStringColumnService {
  void (*set_char_utf8mb4)(PsiField *, const char *value, unsigned int length);
  void (*get_char_utf8mb4)(PsiField *, char *, unsigned int *);
  void (*read_key_string)(PsiKeyReader *, void *, int);
  bool (*match_key_string)(bool, const char *, unsigned int, void *);
  void (*get_varchar_utf8mb4)(PsiField *, char *, unsigned int *);
  void (*set_varchar_utf8mb4)(PsiField *, const char *value);  // null pointer: NULL
  void (*set_varchar_utf8mb4_len)(PsiField *, const char *value, unsigned int length);
};

// "pfs_plugin_column_timestamp_v2"
struct PfsTimestampColumnService {
  void (*set)(PsiField *, const char *, unsigned int);
  void (*set2)(PsiField *, unsigned long long micros_since_epoch);  // 0: NULL
};
