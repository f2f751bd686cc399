// HotSpot calls exit() when JNI_CreateJavaVM meets an option it cannot honour (an
// unknown module, a bad heap size, ...), which would take mysqld down. So the options
// are first tried on a separate `java` process from the same home.
#pragma once

#include <string>
#include <vector>

namespace jclone {

// Runs <home>/bin/java with the options (and mysqld's environment, as JNI_CreateJavaVM
// sees it) and checks that a Java 17+ VM starts with them. Without bin/java only the
// options that did not come from the plugin itself (foreign_options: clone_java_options
// and the environment's) are checked, against a short allow-list. False with one line
// saying why on failure.
bool probe_jvm_options(const std::string &home, const std::vector<std::string> &options,
                       const std::vector<std::string> &foreign_options, std::string *error);

}  // namespace jclone
