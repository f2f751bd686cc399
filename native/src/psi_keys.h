// performance_schema instruments of the clone plugin, named as MySQL's plugin names them:
// thread/clone/local-task, thread/clone/client-task, statement/clone/local,
// statement/clone/client and statement/clone/server. (memory/clone/data is registered
// with the data path's buffers.)
#pragma once

namespace jclone {

// Registers the thread and statement instruments; harmless to repeat (performance_schema
// hands back the keys it already gave for the same names) and a no-op when it is off.
void psi_register_keys();

// Keys for mysql_clone_start_statement; 0 (not instrumented) before registration.
unsigned int psi_local_task_thread_key();
unsigned int psi_client_task_thread_key();
unsigned int psi_local_statement_key();
unsigned int psi_client_statement_key();
unsigned int psi_server_statement_key();

}  // namespace jclone
