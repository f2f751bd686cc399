#include "psi_keys.h"

// The server's performance_schema interfaces, as a plugin reaches them: mysqld 8.0.31
// exports the data symbols psi_thread_service and psi_statement_service (nm -D), pointers
// to service tables whose first entry registers instruments. The record layouts below are
// the ones the binary's registration functions walk (objdump: 40-byte thread records,
// pfs_register_thread_vc taking PSI_thread_info_v5; 32-byte statement records,
// pfs_register_statement_vc taking PSI_statement_info_v1).
namespace psi_abi {

struct PsiThreadRecord {
  unsigned int *key;
  const char *name;
  const char *os_name;  // what ps/top show for the thread
  unsigned int flags;
  int volatility;
  const char *documentation;
};
static_assert(sizeof(PsiThreadRecord) == 40, "8.0.31 walks thread records 40 bytes apart");

struct PsiStatementRecord {
  unsigned int key;  // written by the server
  const char *name;
  unsigned int flags;
  const char *documentation;
};
static_assert(sizeof(PsiStatementRecord) == 32, "8.0.31 walks statement records 32 bytes apart");

struct PsiThreadService {
  void (*register_thread)(const char *category, PsiThreadRecord *records, int count);
};

struct PsiStatementService {
  void (*register_statement)(const char *category, PsiStatementRecord *records, int count);
};

}  // namespace psi_abi

// Resolved against mysqld when the server loads this library (default visibility, so
// the compiler reaches them through the GOT rather than assuming they live here).
extern __attribute__((visibility("default"))) psi_abi::PsiThreadService *psi_thread_service;
extern __attribute__((visibility("default"))) psi_abi::PsiStatementService *psi_statement_service;

namespace jclone {
namespace {

using psi_abi::PsiStatementRecord;
using psi_abi::PsiThreadRecord;

constexpr const char *kCategory = "clone";

unsigned int local_task_key = 0;
unsigned int client_task_key = 0;

PsiThreadRecord thread_records[] = {
    {&local_task_key, "local-task", "clone_local", 0, 0, nullptr},
    {&client_task_key, "client-task", "clone_client", 0, 0, nullptr},
};

PsiStatementRecord statement_records[] = {
    {0, "local", 0, nullptr},
    {0, "client", 0, nullptr},
    {0, "server", 0, nullptr},
};

}  // namespace

void psi_register_keys() {
  if (psi_thread_service != nullptr && psi_thread_service->register_thread != nullptr) {
    psi_thread_service->register_thread(kCategory, thread_records, 2);
  }
  if (psi_statement_service != nullptr && psi_statement_service->register_statement != nullptr) {
    psi_statement_service->register_statement(kCategory, statement_records, 3);
  }
}

unsigned int psi_local_task_thread_key() { return local_task_key; }
unsigned int psi_client_task_thread_key() { return client_task_key; }
unsigned int psi_local_statement_key() { return statement_records[0].key; }
unsigned int psi_client_statement_key() { return statement_records[1].key; }
unsigned int psi_server_statement_key() { return statement_records[2].key; }

}  // namespace jclone
