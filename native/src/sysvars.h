// The plugin's system variables: MySQL's clone_* set plus the JVM settings.
#pragma once

#include <string>

#include "server_abi.h"

namespace jclone {

// Null-terminated array the plugin declaration points at.
void **system_variables();

// Current value of a numeric or boolean variable by name; false if unknown.
bool sysvar_long(const std::string &name, long long *value);

// Current value of a string variable by name (empty when NULL); false if unknown.
bool sysvar_string(const std::string &name, std::string *value);

// Read-only JVM settings, as given on the command line or in my.cnf.
const char *java_home_setting();
const char *java_class_path_setting();
const char *java_options_setting();

// Publish the values the plugin resolved, so SHOW VARIABLES tells what is in use.
void publish_java_home(const std::string &home);
void publish_java_class_path(const std::string &class_path);

}  // namespace jclone
