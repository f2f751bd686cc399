#include "jvm.h"

#include <dlfcn.h>
#include <glob.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <vector>

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

std::vector<std::string> candidate_homes(const std::string &configured) {
  // An explicit setting is the DBA's choice: never fall back from it.
  if (!configured.empty()) return {configured};
  std::vector<std::string> homes;
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
  for (const auto &home : candidate_homes(settings.java_home)) {
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

  // RTLD_GLOBAL: the JVM's own libraries resolve symbols against libjvm.
  void *libjvm = dlopen(libjvm_path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (libjvm == nullptr) {
    *error = "cannot load " + libjvm_path + ": " + dlerror();
    return nullptr;
  }
  // JNI allows one JVM per process; an earlier INSTALL may have started it.
  if (JavaVM *vm = existing_vm(libjvm); vm != nullptr) return vm;

  auto create = reinterpret_cast<CreateJavaVm>(dlsym(libjvm, "JNI_CreateJavaVM"));
  if (create == nullptr) {
    *error = libjvm_path + " has no JNI_CreateJavaVM";
    return nullptr;
  }

  std::vector<std::string> options = {
      "-Djava.class.path=" + settings.class_path,
      "-Xrs",                          // SIGTERM, SIGHUP, SIGQUIT stay mysqld's
      "-Xmx256m",                      // bounded heap; data never lands on it
      "-Xss2m",                        // InnoDB's clone code runs on Java worker threads
      "-XX:-UsePerfData",              // no hsperfdata file in /tmp
      "-XX:+DisableAttachMechanism",   // no attach socket in /tmp
      "-XX:ErrorFile=./mysql_clone_jvm_error_%p.log",  // cwd is the data directory
      "-Djava.awt.headless=true",
  };
  for (auto &option : split_options(settings.options)) options.push_back(option);

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
