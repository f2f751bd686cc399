#include "class_loader.h"

#include <sstream>
#include <vector>

namespace jclone {
namespace {

// Local references of one JNI call sequence, freed together.
class LocalRefs {
 public:
  explicit LocalRefs(JNIEnv *env) : env_(env) {}
  ~LocalRefs() {
    for (jobject ref : refs_) env_->DeleteLocalRef(ref);
  }
  template <typename T>
  T keep(T ref) {
    if (ref != nullptr) refs_.push_back(ref);
    return ref;
  }

 private:
  JNIEnv *env_;
  std::vector<jobject> refs_;
};

bool no_exception(JNIEnv *env) { return !env->ExceptionCheck(); }

std::vector<std::string> split_class_path(const std::string &class_path) {
  std::vector<std::string> entries;
  std::istringstream in(class_path);
  std::string entry;
  while (std::getline(in, entry, ':')) {
    if (!entry.empty()) entries.push_back(entry);
  }
  return entries;
}

}  // namespace

jobject open_class_loader(JNIEnv *env, const std::string &class_path, std::string *error) {
  LocalRefs refs(env);
  std::vector<std::string> entries = split_class_path(class_path);
  jclass file_class = refs.keep(env->FindClass("java/io/File"));
  jclass uri_class = refs.keep(env->FindClass("java/net/URI"));
  jclass url_class = refs.keep(env->FindClass("java/net/URL"));
  jclass loader_class = refs.keep(env->FindClass("java/net/URLClassLoader"));
  jclass class_loader_class = refs.keep(env->FindClass("java/lang/ClassLoader"));
  if (file_class == nullptr || uri_class == nullptr || url_class == nullptr ||
      loader_class == nullptr || class_loader_class == nullptr) {
    *error = "the JVM lacks java.net.URLClassLoader";
    return nullptr;
  }
  jmethodID file_init = env->GetMethodID(file_class, "<init>", "(Ljava/lang/String;)V");
  jmethodID to_uri = env->GetMethodID(file_class, "toURI", "()Ljava/net/URI;");
  jmethodID to_url = env->GetMethodID(uri_class, "toURL", "()Ljava/net/URL;");
  jmethodID loader_init = env->GetMethodID(
      loader_class, "<init>", "(Ljava/lang/String;[Ljava/net/URL;Ljava/lang/ClassLoader;)V");
  jmethodID platform = env->GetStaticMethodID(class_loader_class, "getPlatformClassLoader",
                                              "()Ljava/lang/ClassLoader;");
  if (file_init == nullptr || to_uri == nullptr || to_url == nullptr || loader_init == nullptr ||
      platform == nullptr) {
    *error = "the JVM's java.net.URLClassLoader is not Java 9+'s";
    return nullptr;
  }
  auto urls = refs.keep(env->NewObjectArray(static_cast<jsize>(entries.size()), url_class, nullptr));
  if (urls == nullptr) {
    *error = "out of Java memory for the class path";
    return nullptr;
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    LocalRefs entry_refs(env);
    // Each call may throw; the next JNI call must come only after the check.
    jstring path = entry_refs.keep(env->NewStringUTF(entries[i].c_str()));
    jobject file = no_exception(env) ? entry_refs.keep(env->NewObject(file_class, file_init, path))
                                     : nullptr;
    jobject uri = no_exception(env) && file != nullptr
                      ? entry_refs.keep(env->CallObjectMethod(file, to_uri))
                      : nullptr;
    jobject url = no_exception(env) && uri != nullptr
                      ? entry_refs.keep(env->CallObjectMethod(uri, to_url))
                      : nullptr;
    if (!no_exception(env) || url == nullptr) {
      env->ExceptionClear();
      *error = "bad class path entry " + entries[i];
      return nullptr;
    }
    env->SetObjectArrayElement(urls, static_cast<jsize>(i), url);
  }
  jobject parent = refs.keep(env->CallStaticObjectMethod(class_loader_class, platform));
  jstring name = no_exception(env) ? refs.keep(env->NewStringUTF("mysql_clone")) : nullptr;
  jobject loader = no_exception(env) && parent != nullptr && name != nullptr
                       ? refs.keep(env->NewObject(loader_class, loader_init, name, urls, parent))
                       : nullptr;
  jobject global = no_exception(env) && loader != nullptr ? env->NewGlobalRef(loader) : nullptr;
  if (global == nullptr) {
    env->ExceptionClear();
    *error = "cannot make a class loader over " + class_path;
    return nullptr;
  }
  return global;
}

jclass load_class(JNIEnv *env, jobject loader, const char *name) {
  std::string binary_name = name;
  for (char &c : binary_name) c = c == '/' ? '.' : c;
  LocalRefs refs(env);
  jclass class_class = refs.keep(env->FindClass("java/lang/Class"));
  if (class_class == nullptr) return nullptr;
  jmethodID for_name = env->GetStaticMethodID(
      class_class, "forName", "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;");
  if (for_name == nullptr) return nullptr;
  jstring text = refs.keep(env->NewStringUTF(binary_name.c_str()));
  if (text == nullptr) return nullptr;
  auto found =
      static_cast<jclass>(env->CallStaticObjectMethod(class_class, for_name, text, JNI_FALSE, loader));
  if (!no_exception(env)) {
    if (found != nullptr) env->DeleteLocalRef(found);
    return nullptr;
  }
  return found;
}

void close_class_loader(JNIEnv *env, jobject loader) {
  if (loader == nullptr) return;
  jclass type = env->GetObjectClass(loader);
  jmethodID close = type != nullptr ? env->GetMethodID(type, "close", "()V") : nullptr;
  if (close != nullptr) env->CallVoidMethod(loader, close);
  env->ExceptionClear();
  if (type != nullptr) env->DeleteLocalRef(type);
  env->DeleteGlobalRef(loader);
}

}  // namespace jclone
