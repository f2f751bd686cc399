package org.jclone.jni;

import java.io.IOException;
import java.nio.file.Path;
import org.jclone.core.config.ConfigSource;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.engine.CloneServices;
import org.jclone.core.engine.InnoDbClone;
import org.jclone.core.engine.Locator;
import org.jclone.core.engine.ServerSessions;
import org.jclone.core.engine.TargetDirectory;
import org.jclone.core.status.StatusBoard;

/** The core's view of the server, backed by the natives of mysql_clone.so. */
final class NativeServices {
    private NativeServices() {}

    static CloneServices create() {
        return new CloneServices(new NativeInnoDb(), new NativeSessions(), new NativeConfig(),
                StatusBoard.restore(serverDataDir(), new NativeStatusSink()));
    }

    /** mysqld runs in its data directory; the JVM's own idea of it may be older. */
    private static Path serverDataDir() {
        try {
            return Path.of("/proc/self/cwd").toRealPath();
        } catch (IOException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    private static final class NativeInnoDb implements InnoDbClone {
        @Override
        public long handlerton(long thd) {
            return InnoDbNatives.handlerton(thd);
        }

        @Override
        public int begin(long hton, long thd, Locator locator, int mode) {
            return InnoDbNatives.begin(hton, thd, locator, mode);
        }

        @Override
        public int applyBegin(long hton, long thd, Locator locator, int mode, TargetDirectory dataDir) {
            // No directory: the clone replaces this server's own data.
            return InnoDbNatives.applyBegin(hton, thd, locator, mode, dataDir == null ? null : dataDir.nulTerminated());
        }

        @Override
        public int copy(long hton, long thd, Locator locator, int task, CloneCallbacks callbacks, int bufferSize) {
            return InnoDbNatives.copy(hton, thd, locator.address, locator.length, task, callbacks, bufferSize);
        }

        @Override
        public int apply(long hton, long thd, Locator locator, int task, int inError, long callback) {
            return InnoDbNatives.apply(hton, thd, locator.address, locator.length, task, inError, callback);
        }

        @Override
        public int ack(long hton, long thd, Locator locator, int task, int inError, long callback) {
            return InnoDbNatives.ack(hton, thd, locator.address, locator.length, task, inError, callback);
        }

        @Override
        public int end(long hton, long thd, Locator locator, int task, int inError) {
            return InnoDbNatives.end(hton, thd, locator.address, locator.length, task, inError);
        }

        @Override
        public int applyEnd(long hton, long thd, Locator locator, int task, int inError) {
            return InnoDbNatives.applyEnd(hton, thd, locator.address, locator.length, task, inError);
        }
    }

    private static final class NativeSessions implements ServerSessions {
        @Override
        public long startSession() {
            return ServerNatives.startSession();
        }

        @Override
        public long startClientSession() {
            return ServerNatives.startClientSession();
        }

        @Override
        public void finishSession(long thd) {
            ServerNatives.finishSession(thd);
        }

        @Override
        public boolean killed(long thd) {
            return ServerNatives.killed(thd);
        }

        @Override
        public void startDonorStatement(long thd) {
            ServerNatives.startDonorStatement(thd);
        }

        @Override
        public boolean acquireBackupLock(long thd, long timeoutSeconds) {
            return ServerNatives.acquireBackupLock(thd, timeoutSeconds);
        }

        @Override
        public void releaseBackupLock(long thd) {
            ServerNatives.releaseBackupLock(thd);
        }

        @Override
        public void raiseError(int code, String message) {
            ServerNatives.raiseError(code, message);
        }

        @Override
        public int pendingErrorCode(long thd) {
            return ServerNatives.pendingErrorCode(thd);
        }

        @Override
        public String pendingErrorMessage(long thd) {
            return ServerNatives.pendingErrorMessage(thd);
        }

        @Override
        public long threadId(long thd) {
            return ServerNatives.threadId(thd);
        }
    }

    private static final class NativeConfig implements ConfigSource {
        @Override
        public long number(String name) {
            return ServerNatives.sysvarLong(name);
        }

        @Override
        public String text(String name) {
            return ServerNatives.sysvarString(name);
        }
    }
}
