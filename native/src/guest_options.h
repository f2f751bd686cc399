// The JVM options that keep the plugin a small guest in mysqld: grouped by concern, so
// that a DBA who sets one option of a concern replaces the plugin's whole group for it.
#pragma once

#include <vector>

namespace jclone {

struct GuestOptionGroup {
  const char *concern;                     // named in the error log when left out
  std::vector<const char *> options;       // what the plugin applies
  std::vector<const char *> replaced_by;   // prefixes of the DBA's options that replace them
};

// In the order they are applied, after the plugin's fixed options and before the DBA's.
const std::vector<GuestOptionGroup> &guest_option_groups();

}  // namespace jclone
