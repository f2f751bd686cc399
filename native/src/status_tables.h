// performance_schema.clone_status and clone_progress: the two tables this plugin
// adds through the server's plugin-table service. The Java core decides what the
// rows say and publishes them here; reading a table never calls into the JVM.
#pragma once

#include <cstdint>
#include <string>

namespace jclone {

struct CloneStatusRow {
  uint32_t id = 0;  // 0: no clone has run, the table is empty
  uint32_t pid = 0;
  std::string state;
  uint64_t begin_micros = 0;  // 0 shows as NULL
  uint64_t end_micros = 0;
  std::string source;
  std::string destination;
  uint32_t error_no = 0;
  std::string error_message;
  std::string binlog_file;
  uint64_t binlog_position = 0;
  std::string gtid_executed;
};

constexpr int kCloneStageCount = 7;  // DROP DATA ... RECOVERY

struct CloneStageRow {
  std::string stage;
  std::string state;
  uint32_t threads = 0;
  uint64_t begin_micros = 0;
  uint64_t end_micros = 0;
  uint64_t estimate = 0;
  uint64_t data = 0;
  uint64_t network = 0;
  uint32_t data_speed = 0;
  uint32_t network_speed = 0;
  // Ours, after MySQL's columns: resumes after network failures in this stage, and the bytes
  // of it applied again (negative: not known exactly, shown as NULL).
  uint32_t resumes = 0;
  int64_t data_resent = 0;
};

struct CloneProgressRows {
  uint32_t id = 0;  // 0: the table is empty
  CloneStageRow stages[kCloneStageCount];
};

// Acquires the services from the component registry and adds both tables;
// false with a reason if the server refuses.
bool status_tables_create(std::string *error);

// Removes the tables and releases the services; a no-op if they were not added.
void status_tables_drop();

// Replace what the tables show.
void publish_status(const CloneStatusRow &row);
void publish_progress(const CloneProgressRows &rows);

}  // namespace jclone
