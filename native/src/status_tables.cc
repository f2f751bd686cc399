#include "status_tables.h"

#include <mutex>
#include <new>
#include <string>

#include "boundary.h"
#include "pfs_table_abi.h"

namespace jclone {
namespace {

// Column lists as MySQL 8.0.31's clone plugin declares them, so queries and
// tools written for it read ours unchanged; clone_progress has two more at the
// end (RESUMES, DATA_RESENT), which column lists naming MySQL's never see.
constexpr const char *kStatusDefinition =
    "`ID` int,"
    "`PID` int,"
    "`STATE` char(16),"
    "`BEGIN_TIME` timestamp(3) NULL,"
    "`END_TIME` timestamp(3) NULL,"
    "`SOURCE` varchar(512),"
    "`DESTINATION` varchar(512),"
    "`ERROR_NO` int,"
    "`ERROR_MESSAGE` varchar(512),"
    "`BINLOG_FILE` varchar(512),"
    "`BINLOG_POSITION` bigint,"
    "`GTID_EXECUTED` varchar(4096)";

constexpr const char *kProgressDefinition =
    "`ID` int,"
    "`STAGE` char(32),"
    "`STATE` char(16),"
    "`BEGIN_TIME` timestamp(6) NULL,"
    "`END_TIME` timestamp(6) NULL,"
    "`THREADS` int,"
    "`ESTIMATE` bigint,"
    "`DATA` bigint,"
    "`NETWORK` bigint,"
    "`DATA_SPEED` int,"
    "`NETWORK_SPEED` int,"
    "`RESUMES` int,"
    "`DATA_RESENT` bigint";

// What the tables show, replaced whole by the Java core.
std::mutex rows_mutex;
CloneStatusRow status_row;
CloneProgressRows progress_rows;

// Services, held from create to drop.
const ServiceRegistry *registry = nullptr;
PfsPluginTableService *table_service = nullptr;
PfsIntegerColumnService *int_column = nullptr;
PfsBigintColumnService *bigint_column = nullptr;
PfsStringColumnService *string_column = nullptr;
PfsTimestampColumnService *timestamp_column = nullptr;
bool tables_added = false;

enum class Table { kStatus, kProgress };

// One per open table, so concurrent readers never share a position. The rows
// are copied at rnd_init: a scan sees one consistent picture.
struct Cursor {
  explicit Cursor(Table kind) : table(kind) {}
  Table table;
  uint32_t position = 0;  // 1-based row number; PFS saves it for rnd_pos
  CloneStatusRow status;
  CloneProgressRows progress;

  uint32_t rows() const {
    if (table == Table::kStatus) return status.id == 0 ? 0 : 1;
    return progress.id == 0 ? 0 : kCloneStageCount;
  }
};

Cursor *cursor_of(PsiTableHandle *handle) { return reinterpret_cast<Cursor *>(handle); }

void snapshot(Cursor *cursor) {
  std::lock_guard<std::mutex> lock(rows_mutex);
  if (cursor->table == Table::kStatus) {
    cursor->status = status_row;
  } else {
    cursor->progress = progress_rows;
  }
}

void set_int(PsiField *field, uint64_t value) { int_column->set_unsigned(field, {value, false}); }
void set_bigint(PsiField *field, uint64_t value) {
  bigint_column->set_unsigned(field, {value, false});
}
// A negative value is not known: NULL.
void set_bigint_or_null(PsiField *field, int64_t value) {
  bigint_column->set_unsigned(field, {value < 0 ? 0 : static_cast<uint64_t>(value), value < 0});
}
// An empty value shows as '' (not NULL), as in MySQL's plugin.
void set_varchar(PsiField *field, const std::string &value) {
  string_column->set_varchar_utf8mb4(field, value.c_str());
}
void set_char(PsiField *field, const std::string &value) {
  string_column->set_char_utf8mb4(field, value.c_str(), static_cast<unsigned int>(value.size()));
}

int read_status_column(const CloneStatusRow &row, PsiField *field, unsigned int index) {
  switch (index) {
    case 0: set_int(field, row.id); break;
    case 1: set_int(field, row.pid); break;
    case 2: set_char(field, row.state); break;
    case 3: timestamp_column->set2(field, row.begin_micros); break;
    case 4: timestamp_column->set2(field, row.end_micros); break;
    case 5: set_varchar(field, row.source); break;
    case 6: set_varchar(field, row.destination); break;
    case 7: set_int(field, row.error_no); break;
    case 8: set_varchar(field, row.error_message); break;
    case 9: set_varchar(field, row.binlog_file); break;
    case 10: set_bigint(field, row.binlog_position); break;
    case 11: set_varchar(field, row.gtid_executed); break;
    default: break;
  }
  return 0;
}

int read_progress_column(uint32_t id, const CloneStageRow &row, PsiField *field,
                         unsigned int index) {
  switch (index) {
    case 0: set_int(field, id); break;
    case 1: set_char(field, row.stage); break;
    case 2: set_char(field, row.state); break;
    case 3: timestamp_column->set2(field, row.begin_micros); break;
    case 4: timestamp_column->set2(field, row.end_micros); break;
    case 5: set_int(field, row.threads); break;
    case 6: set_bigint(field, row.estimate); break;
    case 7: set_bigint(field, row.data); break;
    case 8: set_bigint(field, row.network); break;
    case 9: set_int(field, row.data_speed); break;
    case 10: set_int(field, row.network_speed); break;
    case 11: set_int(field, row.resumes); break;
    case 12: set_bigint_or_null(field, row.data_resent); break;
    default: break;
  }
  return 0;
}

// ---- callbacks -------------------------------------------------------------

PsiTableHandle *open_cursor(Table table, PsiPosition **position) {
  auto *cursor = new (std::nothrow) Cursor(table);
  if (cursor == nullptr) return nullptr;
  // Copying the rows' strings may throw bad_alloc; it must not unwind into PFS.
  if (!guarded("opening a clone performance_schema table", false, [&] {
        snapshot(cursor);
        return true;
      })) {
    delete cursor;
    return nullptr;
  }
  *position = reinterpret_cast<PsiPosition *>(&cursor->position);
  return reinterpret_cast<PsiTableHandle *>(cursor);
}

PsiTableHandle *open_status(PsiPosition **position) {
  return open_cursor(Table::kStatus, position);
}

PsiTableHandle *open_progress(PsiPosition **position) {
  return open_cursor(Table::kProgress, position);
}

void close_table(PsiTableHandle *handle) { delete cursor_of(handle); }

int rnd_init(PsiTableHandle *handle, bool) {
  Cursor *cursor = cursor_of(handle);
  cursor->position = 0;
  return guarded("reading a clone performance_schema table", kPfsOutOfMemory, [&] {
    snapshot(cursor);
    return 0;
  });
}

int rnd_next(PsiTableHandle *handle) {
  Cursor *cursor = cursor_of(handle);
  if (cursor->position >= cursor->rows()) return kPfsEndOfFile;
  ++cursor->position;
  return 0;
}

int rnd_pos(PsiTableHandle *handle) {
  Cursor *cursor = cursor_of(handle);
  return cursor->position >= 1 && cursor->position <= cursor->rows() ? 0 : kPfsEndOfFile;
}

void reset_position(PsiTableHandle *handle) { cursor_of(handle)->position = 0; }

int read_column_value(PsiTableHandle *handle, PsiField *field, unsigned int index) {
  Cursor *cursor = cursor_of(handle);
  if (cursor->position < 1 || cursor->position > cursor->rows()) return kPfsEndOfFile;
  if (cursor->table == Table::kStatus) return read_status_column(cursor->status, field, index);
  return read_progress_column(cursor->progress.id, cursor->progress.stages[cursor->position - 1],
                              field, index);
}

unsigned long long status_row_count() { return 1; }
unsigned long long progress_row_count() { return kCloneStageCount; }

PfsTableShare make_share(const char *name, const char *definition,
                         PsiTableHandle *(*open)(PsiPosition **),
                         unsigned long long (*row_count)()) {
  PfsTableShare share{};
  share.callbacks.rnd_next = rnd_next;
  share.callbacks.rnd_init = rnd_init;
  share.callbacks.rnd_pos = rnd_pos;
  share.callbacks.read_column_value = read_column_value;
  share.callbacks.reset_position = reset_position;
  share.callbacks.open_table = open;
  share.callbacks.close_table = close_table;
  share.table_name = name;
  share.table_name_length = static_cast<unsigned int>(std::char_traits<char>::length(name));
  share.table_definition = definition;
  share.ref_length = sizeof(uint32_t);
  share.access = kPfsReadOnly;
  share.get_row_count = row_count;
  return share;
}

PfsTableShare status_share =
    make_share("clone_status", kStatusDefinition, open_status, status_row_count);
PfsTableShare progress_share =
    make_share("clone_progress", kProgressDefinition, open_progress, progress_row_count);
PfsTableShare *shares[] = {&status_share, &progress_share};

template <typename Service>
bool acquire(const char *name, Service **out, std::string *error) {
  ServiceHandle handle = nullptr;
  if (registry->acquire(name, &handle) != 0 || handle == nullptr) {
    *error = std::string("the server has no ") + name + " service";
    return false;
  }
  *out = reinterpret_cast<Service *>(handle);
  return true;
}

template <typename Service>
void release(Service **service) {
  if (*service != nullptr) registry->release(reinterpret_cast<ServiceHandle>(*service));
  *service = nullptr;
}

void release_all() {
  if (registry == nullptr) return;
  release(&table_service);
  release(&int_column);
  release(&bigint_column);
  release(&string_column);
  release(&timestamp_column);
  mysql_plugin_registry_release(registry);
  registry = nullptr;
}

}  // namespace

bool status_tables_create(std::string *error) {
  registry = mysql_plugin_registry_acquire();
  if (registry == nullptr) {
    *error = "the server's component registry is not available";
    return false;
  }
  if (!acquire("pfs_plugin_table_v1", &table_service, error) ||
      !acquire("pfs_plugin_column_integer_v1", &int_column, error) ||
      !acquire("pfs_plugin_column_bigint_v1", &bigint_column, error) ||
      !acquire("pfs_plugin_column_string_v2", &string_column, error) ||
      !acquire("pfs_plugin_column_timestamp_v2", &timestamp_column, error)) {
    release_all();
    return false;
  }
  if (table_service->add_tables(shares, 2) != 0) {
    *error = "performance_schema refused to add clone_status and clone_progress";
    release_all();
    return false;
  }
  tables_added = true;
  return true;
}

void status_tables_drop() {
  if (tables_added) {
    table_service->delete_tables(shares, 2);
    tables_added = false;
  }
  release_all();
}

void publish_status(const CloneStatusRow &row) {
  std::lock_guard<std::mutex> lock(rows_mutex);
  status_row = row;
}

void publish_progress(const CloneProgressRows &rows) {
  std::lock_guard<std::mutex> lock(rows_mutex);
  progress_rows = rows;
}

}  // namespace jclone
