package org.jclone.it.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Creates servers for one test (or, when injected into a {@code @BeforeAll} method, for one test
 * class) and remembers them so {@link MysqlServerExtension} can stop them and keep their logs.
 * Servers live in {@code target/servers/<TestClass>/<name>-<n>/}.
 */
public final class ServerFactory {

    private final String group;
    private final List<MysqlServer> servers = new CopyOnWriteArrayList<>();

    ServerFactory(String group) {
        this.group = group;
    }

    /** A builder whose {@code build()} registers the server with this factory. */
    public MysqlServer.Builder builder(MysqlDistribution distribution, String name) {
        return MysqlServer.builder(distribution).name(name).group(group).onBuild(servers::add);
    }

    public MysqlServer.Builder mysql8(String name) {
        return builder(MysqlDistribution.mysql8(), name);
    }

    public MysqlServer.Builder mysql57(String name) {
        return builder(MysqlDistribution.mysql57(), name);
    }

    /** Servers built so far, in creation order. */
    public List<MysqlServer> servers() {
        return List.copyOf(servers);
    }

    String group() {
        return group;
    }

    /** Stops every server (killing what does not stop) and returns the failures, if any. */
    List<Throwable> stopAll() {
        List<Throwable> problems = new ArrayList<>();
        for (MysqlServer server : servers) {
            try {
                server.close();
            } catch (Throwable t) {
                problems.add(t);
                try {
                    server.kill();
                } catch (Throwable again) {
                    t.addSuppressed(again);
                }
            }
        }
        return problems;
    }

    /** Removes the (large) server directories; used after passing tests. */
    void deleteServerDirs() {
        for (MysqlServer server : servers) {
            FileTrees.deleteTree(server.serverDir());
        }
    }
}
