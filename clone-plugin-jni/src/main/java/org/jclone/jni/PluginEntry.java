package org.jclone.jni;

import org.jclone.core.config.DonorList;
import org.jclone.core.engine.CloneServices;
import org.jclone.core.error.MysqlError;
import org.jclone.core.io.OsCalls;
import org.jclone.core.io.PathBytes;
import org.jclone.core.local.CloneRegistry;
import org.jclone.core.local.LocalClone;
import org.jclone.core.remote.client.CloneSource;
import org.jclone.core.remote.client.RemoteClone;
import org.jclone.core.remote.server.DonorSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The static methods mysql_clone.so calls. Each returns a plain value and never
 * throws: the C++ side must not see a pending exception it has to interpret.
 */
public final class PluginEntry {
    private static volatile CloneServices services;

    private PluginEntry() {}

    /** Starts the core; null on success, else why it cannot start. */
    public static String start(String pluginDir) {
        try {
            services = NativeServices.create();
            OsCalls.install(NativeOsCalls.INSTANCE);
            ServerLogAppender.connect();
            logger().info("Clone plugin Java engine started on {} {} (plugin directory {}, "
                            + "jar version {}, file name encoding {})",
                    System.getProperty("java.vm.name"), Runtime.version(), pluginDir,
                    PluginEntry.class.getPackage().getImplementationVersion(),
                    System.getProperty("sun.jnu.encoding"));
            return null;
        } catch (Throwable t) {
            ServerLogAppender.disconnect();
            return t.toString();
        }
    }

    /** Stops the core; called before the library is unloaded. */
    public static void stop() {
        try {
            logger().info("Clone plugin Java engine stopping");
        } catch (Throwable ignored) {
            // Stopping must not fail on a logging problem.
        }
        CloneServices current = services;
        if (current != null) {
            current.status().close();
        }
        ServerLogAppender.disconnect();
        OsCalls.install(null);
        services = null;
    }

    /**
     * CLONE LOCAL DATA DIRECTORY on the calling session; 0 or the error raised for the client.
     * The directory comes as the server's bytes, never through the JVM's file name encoding.
     */
    public static int cloneLocal(long thd, byte[] dataDir) {
        CloneServices current = services;
        try {
            return new LocalClone(current, thd, PathBytes.text(dataDir), PathBytes.of(dataDir)).run();
        } catch (Throwable t) {
            String message = MysqlError.ER_INTERNAL_ERROR.message("clone engine failure: " + t);
            try {
                ServerNatives.raiseError(MysqlError.ER_INTERNAL_ERROR.code(), message);
            } catch (Throwable ignored) {
                // Returning the code still fails the statement.
            }
            return MysqlError.ER_INTERNAL_ERROR.code();
        } finally {
            giveBackHeap();
        }
    }

    /**
     * A full collection after each clone: with the plugin's collector settings (serial GC,
     * MaxHeapFreeRatio) the heap a clone grew is uncommitted and mysqld's RSS shrinks back,
     * rather than staying until the next clone happens to need a collection.
     */
    private static void giveBackHeap() {
        try {
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            logger().info("Clone plugin JVM heap after the clone: {} KiB in use, {} KiB committed, at most {} KiB",
                    (runtime.totalMemory() - runtime.freeMemory()) / 1024, runtime.totalMemory() / 1024,
                    runtime.maxMemory() / 1024);
        } catch (Throwable ignored) {
            // Best-effort: the clone's outcome is already decided.
        }
    }

    /**
     * CLONE INSTANCE FROM on the calling (recipient) session; 0 or the error raised for the client.
     * dataDir is null when the clone replaces this server's data; everything comes as the server's bytes.
     */
    public static int cloneRemote(long thd, byte[] host, int port, byte[] user, byte[] password, byte[] dataDir,
                                  int sslMode) {
        CloneServices current = services;
        try {
            CloneSource source = new CloneSource(host, port, user, password, sslMode);
            String dir = dataDir == null ? null : PathBytes.text(dataDir);
            return new RemoteClone(current, NativeCloneLink.INSTANCE, thd, source, dir,
                    dataDir == null ? null : PathBytes.of(dataDir)).run();
        } catch (Throwable t) {
            return internalError("clone engine failure: " + t);
        }
    }

    /** A COM_CLONE connection on the donor: serves the recipient until EXIT or an error. */
    public static int serveClone(long thd) {
        CloneServices current = services;
        CloneRegistry.donorStarted();
        try {
            return new DonorSession(current, NativeCloneLink.INSTANCE, thd).serve();
        } catch (Throwable t) {
            return internalError("clone donor failure: " + t);
        } finally {
            CloneRegistry.donorEnded();
        }
    }

    private static int internalError(String what) {
        try {
            ServerNatives.raiseError(MysqlError.ER_INTERNAL_ERROR.code(), MysqlError.ER_INTERNAL_ERROR.message(what));
        } catch (Throwable ignored) {
            // Returning the code still fails the statement.
        }
        return MysqlError.ER_INTERNAL_ERROR.code();
    }

    /** SET GLOBAL clone_valid_donor_list: raises MySQL's error for a bad format. */
    public static boolean validateDonorList(String value) {
        if (DonorList.isValid(value)) {
            return true;
        }
        ServerNatives.raiseError(MysqlError.ER_CLONE_SYS_CONFIG.code(), MysqlError.ER_CLONE_SYS_CONFIG.message(
                "Invalid Format. Please enter \"<hostname1>:<port1>,...\"' with no extra space"));
        return false;
    }

    public static boolean cloneInProgress() {
        return CloneRegistry.inProgress();
    }

    private static Logger logger() {
        return LoggerFactory.getLogger(PluginEntry.class);
    }
}
