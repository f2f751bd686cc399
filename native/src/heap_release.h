// Gives the C heap's free memory back to the OS after a clone (issue 16).
#pragma once

#include <string>

namespace jclone {

// Trims every malloc arena of mysqld; returns a line for the error log (what it gave back), or ""
// where the C library has no such call.
std::string release_free_heap();

}  // namespace jclone
