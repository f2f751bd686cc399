package org.jclone.it.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * What every backend shares: the server directory's layout
 * ({@code my.cnf  data/  plugin/  error.log}), the spec, and the JDBC plumbing.
 */
abstract class BaseMysqlServer implements MysqlServer {

    protected final ServerSpec spec;
    protected final Path serverDir;
    protected final Path dataDir;
    protected final Path pluginDir;
    protected final Path configFile;
    protected final Path errorLog;

    BaseMysqlServer(ServerSpec spec) {
        this.spec = checkPluginSource(spec);
        this.serverDir = ServerDirs.allocate(spec.group(), spec.name());
        this.dataDir = spec.dataDir() != null ? spec.dataDir() : serverDir.resolve("data");
        this.pluginDir = serverDir.resolve("plugin");
        this.configFile = serverDir.resolve("my.cnf");
        this.errorLog = serverDir.resolve("error.log");
    }

    /** A missing plugin build is a failure, never a reason to skip. */
    static ServerSpec checkPluginSource(ServerSpec spec) {
        if (spec.withPlugin() && !Files.isDirectory(spec.pluginSource())) {
            throw new IllegalStateException("plugin directory " + spec.pluginSource() + " does not exist: build "
                    + "clone-plugin-jni first (mvn -pl integration-tests -am verify) or set -D"
                    + HarnessConfig.PLUGIN_DIR);
        }
        return spec;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public MysqlDistribution distribution() {
        return spec.distribution();
    }

    @Override
    public String jdbcUrl() {
        return "jdbc:mysql://" + host() + ":" + port() + "/?useSSL=false&allowPublicKeyRetrieval=true";
    }

    @Override
    public Connection connect(String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password == null ? "" : password);
        props.setProperty("connectTimeout", "5000");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    @Override
    public Path serverDir() {
        return serverDir;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Path pluginDir() {
        return pluginDir;
    }

    @Override
    public Path configFile() {
        return configFile;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
