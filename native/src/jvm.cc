#include "jvm.h"

#include <dlfcn.h>
#include <glob.h>
#include <link.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

#include "guest_options.h"
#include "java_bridge.h"
#include "jvm_probe.h"

namespace jclone {
namespace {

using CreateJavaVm = jint (*)(JavaVM **, void **, void *);
using GetCreatedJavaVms = jint (*)(JavaVM **, jsize, jsize *);

// Where libjvm.so sits inside a JDK or JRE home (JDK 9+ layout).
const char *const kLibjvmPaths[] = {"/lib/server/libjvm.so", "/lib/client/libjvm.so"};

// Homes tried when neither clone_java_home nor JAVA_HOME names one.
const char *const kWellKnownHomes[] = {
    "/usr/lib/jvm/default-java",
    "/usr/lib/jvm/java-17-openjdk-amd64",
    "/usr/lib/jvm/java-21-openjdk-amd64",
    "/usr/lib/jvm/temurin-17-jdk-amd64",
    "/usr/lib/jvm/temurin-21-jdk-amd64",
    "/usr/lib/jvm/java-17",
    "/usr/lib/jvm/jre-17",
    "/usr/java/latest",
    "/opt/java/openjdk",
};

std::string find_libjvm(const std::string &home) {
  for (const char *suffix : kLibjvmPaths) {
    std::string path = home + suffix;
    if (access(path.c_str(), R_OK) == 0) return path;
  }
  return "";
}

std::vector<std::string> candidate_homes(const JvmSettings &settings) {
  // An explicit setting is the DBA's choice: never fall back from it.
  if (!settings.java_home.empty()) return {settings.java_home};
  std::vector<std::string> homes;
  // The runtime built with the plugin: the one it was tested with, on hosts without a JDK.
  if (!settings.bundled_home.empty()) homes.push_back(settings.bundled_home);
  if (const char *env = std::getenv("JAVA_HOME"); env != nullptr && *env != '\0') {
    homes.emplace_back(env);
  }
  for (const char *home : kWellKnownHomes) homes.emplace_back(home);
  glob_t found{};
  if (glob("/usr/lib/jvm/*", GLOB_ONLYDIR, nullptr, &found) == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) homes.emplace_back(found.gl_pathv[i]);
  }
  globfree(&found);
  return homes;
}

std::vector<std::string> split_options(const std::string &options) {
  std::vector<std::string> result;
  std::istringstream in(options);
  std::string option;
  while (in >> option) result.push_back(option);
  return result;
}

// The libjvm.so an earlier INSTALL loaded into this process, or "". The library of this
// plugin is unloaded at UNINSTALL, so the process's link map is what remembers it.
std::string loaded_libjvm() {
  std::string found;
  dl_iterate_phdr(
      [](dl_phdr_info *info, size_t, void *result) {
        const char *name = info->dlpi_name;
        size_t length = name != nullptr ? std::strlen(name) : 0;
        constexpr size_t kSuffix = sizeof("/libjvm.so") - 1;
        if (length > kSuffix && std::strcmp(name + length - kSuffix, "/libjvm.so") == 0) {
          *static_cast<std::string *>(result) = name;
          return 1;
        }
        return 0;
      },
      &found);
  return found;
}

std::string real_path(const std::string &path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) != nullptr ? resolved : path;
}

// JAVA_TOOL_OPTIONS and _JAVA_OPTIONS reach JNI_CreateJavaVM from mysqld's environment;
// the error log says so, since nothing else would tell the DBA.
void log_environment_options() {
  for (const char *name : {"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS"}) {
    const char *value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      log_line(MY_WARNING_LEVEL, std::string("Clone plugin JVM also applies ") + name +
                                     " from mysqld's environment: " + value);
    }
  }
  const char *launcher_only = std::getenv("JDK_JAVA_OPTIONS");
  if (launcher_only != nullptr && *launcher_only != '\0') {
    log_line(MY_INFORMATION_LEVEL,
             "Clone plugin JVM ignores JDK_JAVA_OPTIONS from mysqld's environment (only the "
             "java launcher reads it): " + std::string(launcher_only));
  }
}

std::string join(const std::vector<std::string> &options) {
  std::string joined;
  for (const auto &option : options) joined += (joined.empty() ? "" : " ") + option;
  return joined;
}

std::string join(const std::vector<const char *> &options) {
  return join(std::vector<std::string>(options.begin(), options.end()));
}

// The first option of the DBA's (clone_java_options, JAVA_TOOL_OPTIONS, _JAVA_OPTIONS)
// that touches the group's concern, or nullptr.
const std::string *dba_option_for(const GuestOptionGroup &group,
                                  const std::vector<std::string> &dba_options) {
  for (const auto &option : dba_options) {
    for (const char *prefix : group.replaced_by) {
      if (option.rfind(prefix, 0) == 0) return &option;
    }
  }
  return nullptr;
}

JavaVM *existing_vm(void *libjvm) {
  auto get_created = reinterpret_cast<GetCreatedJavaVms>(dlsym(libjvm, "JNI_GetCreatedJavaVMs"));
  if (get_created == nullptr) return nullptr;
  JavaVM *vm = nullptr;
  jsize count = 0;
  if (get_created(&vm, 1, &count) == JNI_OK && count > 0) return vm;
  return nullptr;
}

}  // namespace

JavaVM *jvm_acquire(const JvmSettings &settings, std::string *resolved_home,
                    std::string *error) {
  std::string libjvm_path;
  std::string looked_in;
  // JNI allows one JVM per process: once one runs, every INSTALL uses it.
  if (std::string loaded = loaded_libjvm(); !loaded.empty()) {
    std::string loaded_home = loaded.substr(0, loaded.rfind("/lib/"));
    std::string wanted = settings.java_home.empty() ? "" : find_libjvm(settings.java_home);
    if (!settings.java_home.empty() && real_path(wanted) != real_path(loaded)) {
      *error = "this mysqld process already runs the JVM of " + loaded_home +
               ", and one process can hold only one JVM; clone_java_home names " +
               settings.java_home + ". Restart mysqld to use another JDK.";
      return nullptr;
    }
    void *libjvm = dlopen(loaded.c_str(), RTLD_NOW | RTLD_NOLOAD);
    JavaVM *vm = libjvm != nullptr ? existing_vm(libjvm) : nullptr;
    if (vm == nullptr) {
      *error = "mysqld has " + loaded + " loaded but no running JVM from it (a JVM that " +
               "failed to start cannot be retried in one process). Restart mysqld.";
      return nullptr;
    }
    *resolved_home = loaded_home;
    return vm;
  }
  for (const auto &home : candidate_homes(settings)) {
    libjvm_path = find_libjvm(home);
    if (!libjvm_path.empty()) {
      *resolved_home = home;
      break;
    }
    looked_in += looked_in.empty() ? home : ", " + home;
  }
  if (libjvm_path.empty()) {
    *error = "no libjvm.so (lib/server/libjvm.so of a JDK or JRE 17+) found; looked in: " +
             looked_in + ". Set clone_java_home or JAVA_HOME.";
    return nullptr;
  }

  std::vector<std::string> foreign = split_options(settings.options);
  for (const char *name : {"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS"}) {
    if (const char *value = std::getenv(name); value != nullptr) {
      for (auto &option : split_options(value)) foreign.push_back(option);
    }
  }
  std::vector<std::string> options = {
      // The core is loaded per INSTALL by its own class loader (java_bridge.cc), so a
      // jar missing at one INSTALL is not remembered by the JVM's class loader.
      "-Djava.class.path=",
      // Paths reach Java as bytes; under a C/POSIX locale only this keeps them exact.
      "--add-opens=java.base/sun.nio.fs=ALL-UNNAMED",
      "-Xrs",                          // SIGTERM, SIGHUP, SIGQUIT stay mysqld's
      "-Xss2m",                        // InnoDB's clone code runs on Java worker threads
      "-XX:-UsePerfData",              // no hsperfdata file in /tmp
      "-XX:+DisableAttachMechanism",   // no attach socket in /tmp
      "-XX:ErrorFile=./mysql_clone_jvm_error_%p.log",  // cwd is the data directory
      "-Djava.awt.headless=true",
  };
  std::string left_out;
  for (const auto &group : guest_option_groups()) {
    const std::string *replacing = dba_option_for(group, foreign);
    if (replacing == nullptr) {
      for (const char *option : group.options) options.emplace_back(option);
    } else {
      left_out += std::string(left_out.empty() ? "" : "; ") + group.concern + " (" +
                  join(group.options) + ") for " + *replacing;
    }
  }
  for (auto &option : split_options(settings.options)) options.push_back(option);

  // HotSpot exits the process on options it cannot honour: try them elsewhere first.
  if (!probe_jvm_options(*resolved_home, options, foreign, error)) return nullptr;

  // RTLD_GLOBAL: the JVM's own libraries resolve symbols against libjvm.
  void *libjvm = dlopen(libjvm_path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (libjvm == nullptr) {
    *error = "cannot load " + libjvm_path + ": " + dlerror();
    return nullptr;
  }
  auto create = reinterpret_cast<CreateJavaVm>(dlsym(libjvm, "JNI_CreateJavaVM"));
  if (create == nullptr) {
    *error = libjvm_path + " has no JNI_CreateJavaVM";
    return nullptr;
  }
  log_environment_options();
  if (!left_out.empty()) {
    log_line(MY_INFORMATION_LEVEL,
             "Clone plugin leaves out its own JVM options where the DBA's replace them: " +
                 left_out);
  }
  log_line(MY_INFORMATION_LEVEL,
           "Clone plugin starts the JVM of " + *resolved_home + " with: " + join(options));

  std::vector<JavaVMOption> jvm_options(options.size());
  for (size_t i = 0; i < options.size(); ++i) {
    jvm_options[i].optionString = const_cast<char *>(options[i].c_str());
    jvm_options[i].extraInfo = nullptr;
  }
  JavaVMInitArgs args{};
  args.version = JNI_VERSION_10;
  args.nOptions = static_cast<jint>(jvm_options.size());
  args.options = jvm_options.data();
  args.ignoreUnrecognized = JNI_FALSE;

  JavaVM *vm = nullptr;
  JNIEnv *env = nullptr;
  jint rc = create(&vm, reinterpret_cast<void **>(&env), &args);
  if (rc != JNI_OK) {
    *error = "JNI_CreateJavaVM from " + libjvm_path + " failed with code " + std::to_string(rc) +
             " (a JVM older than 10, or a bad option in clone_java_options?)";
    return nullptr;
  }
  // The installing thread is a client connection that will end; do not leave it attached.
  vm->DetachCurrentThread();
  return vm;
}

AttachedThread::AttachedThread(JavaVM *vm, const char *name) : vm_(vm) {
  if (vm_->GetEnv(reinterpret_cast<void **>(&env_), JNI_VERSION_10) == JNI_OK) return;
  JavaVMAttachArgs args{JNI_VERSION_10, const_cast<char *>(name), nullptr};
  if (vm_->AttachCurrentThreadAsDaemon(reinterpret_cast<void **>(&env_), &args) == JNI_OK) {
    attached_here_ = true;
  } else {
    env_ = nullptr;
  }
}

AttachedThread::~AttachedThread() {
  if (attached_here_) vm_->DetachCurrentThread();
}

}  // namespace jclone
