#include "jvm_probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

extern char **environ;

namespace jclone {
namespace {

constexpr int kProbeTimeoutMillis = 60 * 1000;
constexpr size_t kOutputLimit = 256 * 1024;
constexpr int kMinimumJavaVersion = 17;
constexpr const char *kVersionProperty = "java.specification.version = ";

// Options that cannot make HotSpot exit, for a runtime without bin/java.
bool allowed_without_launcher(const std::string &option) {
  return option.rfind("-D", 0) == 0 || option == "-Xcheck:jni" || option == "-Xrs" ||
         option == "-XX:-UsePerfData" || option == "-XX:+DisableAttachMechanism" ||
         option.rfind("-XX:ErrorFile=", 0) == 0 || option.rfind("--add-opens=", 0) == 0;
}

long long now_millis() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// The child must not keep mysqld's files and sockets open: close all but stdio.
void close_inherited_descriptors(posix_spawn_file_actions_t *actions, int keep) {
  DIR *dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  int listing = dirfd(dir);
  while (dirent *entry = readdir(dir)) {
    int fd = std::atoi(entry->d_name);
    if (fd > 2 && fd != keep && fd != listing) posix_spawn_file_actions_addclose(actions, fd);
  }
  closedir(dir);
}

// JNI_CreateJavaVM reads JAVA_TOOL_OPTIONS and _JAVA_OPTIONS but not JDK_JAVA_OPTIONS,
// which only the launcher reads: the probe gets the environment the embedded JVM sees.
std::vector<char *> probe_environment() {
  std::vector<char *> env;
  for (char **entry = environ; *entry != nullptr; ++entry) {
    if (std::strncmp(*entry, "JDK_JAVA_OPTIONS=", 17) != 0) env.push_back(*entry);
  }
  env.push_back(nullptr);
  return env;
}

// The last lines of the probe's output, joined on one line.
std::string last_lines(const std::string &output, int count) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    std::string line = output.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos &&
        line.rfind("Picked up ", 0) != 0 && line.rfind("    ", 0) != 0) {
      lines.push_back(line);
    }
    start = end + 1;
  }
  std::string joined;
  size_t first = lines.size() > static_cast<size_t>(count) ? lines.size() - count : 0;
  for (size_t i = first; i < lines.size(); ++i) joined += (joined.empty() ? "" : " / ") + lines[i];
  return joined.empty() ? "no output" : joined;
}

// HotSpot reserves its heap, class space and code cache at start and exits when it cannot:
// under an address-space limit the JVM inside mysqld gets only what mysqld leaves of it.
// Returns those KiB, or -1 when there is no limit.
long long address_space_left_kib() {
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return -1;
  long long used_kib = 0;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmSize:", 0) == 0) used_kib = std::atoll(line.c_str() + 7);
  }
  long long left = static_cast<long long>(limit.rlim_cur / 1024) - used_kib;
  return left > 0 ? left : 0;
}

int java_version(const std::string &output) {
  size_t at = output.find(kVersionProperty);
  if (at == std::string::npos) return 0;
  return std::atoi(output.c_str() + at + std::strlen(kVersionProperty));
}

}  // namespace

bool probe_jvm_options(const std::string &home, const std::vector<std::string> &options,
                       const std::vector<std::string> &foreign_options, std::string *error) {
  std::string launcher = home + "/bin/java";
  if (access(launcher.c_str(), X_OK) != 0) {
    for (const auto &option : foreign_options) {
      if (!allowed_without_launcher(option)) {
        *error = "cannot check the JVM option '" + option + "': " + launcher +
                 " is missing, and without it only -D..., -Xcheck:jni and --add-opens=... "
                 "are accepted in clone_java_options, JAVA_TOOL_OPTIONS and _JAVA_OPTIONS";
        return false;
      }
    }
    return true;
  }

  std::vector<std::string> arguments = {launcher};
  long long left_kib = address_space_left_kib();
  if (left_kib >= 0) {
    // The probe gets the same room, set by a shell between fork and exec.
    arguments = {"/bin/sh", "-c", "ulimit -v " + std::to_string(left_kib) + " && exec \"$0\" \"$@\"",
                 launcher};
  }
  for (const auto &option : options) {
    if (option.rfind("-Djava.class.path=", 0) != 0) arguments.push_back(option);
  }
  arguments.push_back("-XshowSettings:properties");
  arguments.push_back("-version");
  std::vector<char *> argv;
  for (auto &argument : arguments) argv.push_back(const_cast<char *>(argument.c_str()));
  argv.push_back(nullptr);
  std::vector<char *> envp = probe_environment();

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    *error = std::string("cannot check the JVM options: pipe: ") + std::strerror(errno);
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  close_inherited_descriptors(&actions, pipe_fds[1]);
  // mysqld blocks the signals its signal thread handles; the probe starts with defaults.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  int spawned = posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    *error = "cannot run " + launcher + " to check the JVM options: " + std::strerror(spawned);
    return false;
  }

  std::string output;
  bool timed_out = false;
  long long deadline = now_millis() + kProbeTimeoutMillis;
  char buffer[4096];
  for (;;) {
    long long left = deadline - now_millis();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd readable{pipe_fds[0], POLLIN, 0};
    int ready = poll(&readable, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    ssize_t n = read(pipe_fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the probe closed its output: it has exited or is exiting
    if (output.size() < kOutputLimit) output.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  pid_t reaped;
  do {
    reaped = waitpid(pid, &status, 0);
  } while (reaped < 0 && errno == EINTR);

  if (timed_out) {
    *error = launcher + " did not finish within " + std::to_string(kProbeTimeoutMillis / 1000) +
             " s with the JVM options; not starting a JVM inside mysqld";
    return false;
  }
  // A server that ignores SIGCHLD cannot collect the status: the output decides then.
  bool exited_ok = reaped == pid ? WIFEXITED(status) && WEXITSTATUS(status) == 0 : true;
  int version = java_version(output);
  if (!exited_ok || version == 0) {
    *error = "the JVM options are refused by " + launcher + ": " + last_lines(output, 3);
    if (left_kib >= 0) {
      *error += " (mysqld's address-space limit leaves " + std::to_string(left_kib / 1024) +
                " MiB for the JVM)";
    }
    return false;
  }
  if (version < kMinimumJavaVersion) {
    *error = home + " is Java " + std::to_string(version) + "; the plugin needs Java " +
             std::to_string(kMinimumJavaVersion) + " or newer";
    return false;
  }
  return true;
}

}  // namespace jclone
