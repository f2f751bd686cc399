// Natives of org.jclone.jni.RemoteNatives: the server's clone protocol functions
// (connect, commands, responses, kill, disconnect), the donor's configuration and
// plugin lists, and InnoDB's apply and ack driven by a descriptor from the network.
#pragma once

#include <jni.h>

#include <string>

namespace jclone {

bool register_remote_natives(JNIEnv *env, std::string *error);
void unregister_remote_natives(JNIEnv *env);

}  // namespace jclone
