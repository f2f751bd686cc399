package org.jclone.core.remote.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jclone.core.config.ConfigSource;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.engine.CloneServices;
import org.jclone.core.engine.InnoDbClone;
import org.jclone.core.engine.Locator;
import org.jclone.core.engine.ServerSessions;
import org.jclone.core.engine.TargetDirectory;
import org.jclone.core.remote.CloneLink;
import org.jclone.core.remote.protocol.EngineLocator;
import org.jclone.core.remote.protocol.WireFormat;
import org.jclone.core.status.StatusBoard;
import org.jclone.core.status.StatusSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipient against a scripted donor: a whole clone in MySQL's order, and a donor that
 * answers with errors or garbage, which must end the clone with MySQL's error, every InnoDB
 * apply ended and every connection closed.
 */
class RecipientProtocolTest {
    private static final long THD = 7;
    private static final long MAIN = 1;
    private static final long AUX = 2;

    @TempDir
    Path dir;

    private final Donor link = new Donor();
    private final Engine innodb = new Engine();
    private final Sessions server = new Sessions();
    private int concurrency = 1;

    private int runClone() {
        ConfigSource config = new ConfigSource() {
            @Override
            public long number(String name) {
                return switch (name) {
                    case "clone_buffer_size" -> 1 << 20;
                    case "clone_ddl_timeout" -> 300;
                    case "clone_max_concurrency" -> concurrency;
                    case "clone_autotune_concurrency" -> concurrency == 1 ? 1 : 0;
                    default -> 0;
                };
            }

            @Override
            public String text(String name) {
                return name.equals("clone_valid_donor_list") ? "donor:3306" : "";
            }
        };
        StatusBoard board = StatusBoard.restore(dir, StatusSink.NONE);
        CloneSource source = new CloneSource("donor".getBytes(StandardCharsets.UTF_8), 3306,
                "u".getBytes(StandardCharsets.UTF_8), "p".getBytes(StandardCharsets.UTF_8), 2);
        Path target = dir.resolve("copy");
        return new RemoteClone(new CloneServices(innodb, server, config, board), link, THD, source,
                target.toString(), target).run();
    }

    private static ByteBuffer locators() {
        return WireFormat.encodeLocators(WireFormat.VERSION_V3, List.of(new EngineLocator(12, new byte[] {5, 5})));
    }

    private void scriptInit(ByteBuffer... answers) {
        link.script(1, answers);
    }

    @Test
    void aWholeCloneRunsInMysqlsOrder() {
        scriptInit(WireFormat.encodePluginV2("InnoDB", ""), WireFormat.encodeCollation("utf8mb4_bin"),
                WireFormat.encodeConfig("version", "8.0.31"),
                WireFormat.encodeConfigV3("clone_donor_timeout_after_network_failure", "5"),
                locators(), WireFormat.encodeComplete());
        link.script(4, WireFormat.encodeDescriptor(12, 0, ByteBuffer.wrap(new byte[] {1})),
                WireFormat.encodeData(ByteBuffer.wrap(new byte[] {42, 43})), WireFormat.encodeComplete());
        link.script(6, WireFormat.encodeComplete());
        link.script(6, WireFormat.encodeComplete());
        assertEquals(0, runClone(), () -> "error " + server.message);
        assertEquals(List.of("main INIT", "main EXECUTE", "aux EXIT", "main EXIT"), link.commands);
        assertEquals(List.of("apply begin 3", "apply end 0", "apply begin 0", "apply end 0"), innodb.calls);
        assertEquals(List.of("apply [1] -> 2 bytes"), link.applies);
        assertEquals(List.of("utf8mb4_bin"), link.validatedCharsets);
        assertEquals(List.of("version=8.0.31"), link.validatedConfigs);
        assertEquals(List.of("aux", "main"), link.disconnected);
    }

    @Test
    void aDonorErrorIsReportedAs3862WithItsNumberAndText() {
        scriptInit(WireFormat.encodeError(1227, "Access denied; you need (at least one of) the BACKUP_ADMIN "
                + "privilege(s) for this operation"));
        link.script(6, WireFormat.encodeComplete());
        link.script(6, WireFormat.encodeComplete());
        assertEquals(3862, runClone());
        assertEquals("Clone Donor Error: 1227 : Access denied; you need (at least one of) the BACKUP_ADMIN "
                + "privilege(s) for this operation.", server.message);
        assertEquals(List.of("apply begin 3", "apply end 3862"), innodb.calls);
        assertEquals(List.of("aux", "main"), link.disconnected);
        assertFalse(Files.exists(dir.resolve("copy")));
    }

    @Test
    void anUnknownResponseIsAProtocolErrorAndTheMainConnectionIsAborted() {
        scriptInit(ByteBuffer.wrap(new byte[] {77, 1, 2}));
        link.script(6, WireFormat.encodeComplete());
        assertEquals(3863, runClone());
        assertEquals("Clone received unexpected response from Donor : Wrong Clone RPC response: unknown response 77.",
                server.message);
        assertEquals(List.of("main INIT", "aux EXIT"), link.commands, "no EXIT on a connection out of step");
        assertEquals(List.of("aux", "main (fatal)"), link.disconnected);
        assertEquals(List.of("apply begin 3", "apply end 3863"), innodb.calls);
    }

    @Test
    void dataWithoutADescriptorIsAProtocolError() {
        scriptInit(locators(), WireFormat.encodeComplete());
        link.script(4, WireFormat.encodeData(ByteBuffer.wrap(new byte[] {1})), WireFormat.encodeComplete());
        link.script(6, WireFormat.encodeComplete());
        assertEquals(3863, runClone());
        assertEquals(List.of("apply begin 3", "apply end 0", "apply begin 0", "apply end 3863"), innodb.calls);
        assertEquals(List.of("aux", "main (fatal)"), link.disconnected);
    }

    @Test
    void locatorsWithTrailingBytesAreAProtocolError() {
        ByteBuffer bad = ByteBuffer.allocate(locators().remaining() + 2).put(locators()).put((byte) 12)
                .put((byte) 0).flip();
        scriptInit(bad, WireFormat.encodeComplete());
        link.script(6, WireFormat.encodeComplete());
        assertEquals(3863, runClone());
        assertEquals(List.of("apply begin 3", "apply end 3863"), innodb.calls);
    }

    @Test
    void aDonorThatDropsTheConnectionEndsTheClone() {
        // A donor that keeps nothing for a resume (timeout 0): the clone ends at once.
        scriptInit(WireFormat.encodeConfigV3("clone_donor_timeout_after_network_failure", "0"), locators(),
                WireFormat.encodeComplete());
        link.script(4); // nothing: the read fails
        link.script(6, WireFormat.encodeComplete());
        assertEquals(3862, runClone());
        assertEquals("Clone Donor Error: the connection to donor:3306 failed during the copy (1158: Got an error "
                + "reading communication packets); the donor keeps nothing to resume "
                + "(clone_donor_timeout_after_network_failure = 0).", server.message);
        assertEquals(List.of("apply begin 3", "apply end 0", "apply begin 0", "apply end 3862"), innodb.calls);
        assertEquals(List.of("aux", "main (fatal)"), link.disconnected);
    }

    @Test
    void aConnectionDroppedDuringTheCopyResumesWithReinitOnNewConnections() {
        scriptInit(WireFormat.encodeConfigV3("clone_donor_timeout_after_network_failure", "1"), locators(),
                WireFormat.encodeComplete());
        link.script(4); // the first EXECUTE: the read fails
        link.script(3, locators(), WireFormat.encodeComplete());
        link.script(4, WireFormat.encodeDescriptor(12, 0, ByteBuffer.wrap(new byte[] {1})),
                WireFormat.encodeData(ByteBuffer.wrap(new byte[] {42, 43})), WireFormat.encodeComplete());
        link.script(6, WireFormat.encodeComplete());
        link.script(6, WireFormat.encodeComplete());
        link.script(6, WireFormat.encodeComplete());
        assertEquals(0, runClone(), () -> "error " + server.message);
        // The master's apply is not ended between rounds: InnoDB restarts it (mode 1) for REINIT.
        assertEquals(List.of("apply begin 3", "apply end 0", "apply begin 0", "apply begin 1", "apply end 0"),
                innodb.calls);
        assertEquals(List.of("INIT", "EXECUTE", "EXIT", "REINIT", "EXECUTE", "EXIT", "EXIT"),
                link.commands.stream().map(c -> c.substring(c.indexOf(' ') + 1)).toList());
        assertEquals(List.of("apply [1] -> 2 bytes"), link.applies);
        assertEquals(List.of("aux", "main (fatal)", "worker", "worker"), link.disconnected,
                "round 1: aux, then main aborted; round 2's connections (3 and 4, named worker here) closed cleanly");
    }

    @Test
    void aWorkerTheDonorDoesNotTakeLeavesTheCloneToTheMaster() {
        concurrency = 2;
        scriptInit(locators(), WireFormat.encodeComplete());
        link.script(2, WireFormat.encodeError(1815, "Internal error: Innodb Clone add task refers non-existing clone."));
        link.script(4, WireFormat.encodeDescriptor(12, 0, ByteBuffer.wrap(new byte[] {1})),
                WireFormat.encodeData(ByteBuffer.wrap(new byte[] {42})), WireFormat.encodeComplete());
        link.script(6, WireFormat.encodeComplete());
        link.script(6, WireFormat.encodeComplete());
        link.script(6, WireFormat.encodeComplete());
        link.holdExecuteUntilAttached = true;
        assertEquals(0, runClone(), () -> "error " + server.message);
        assertEquals(List.of("apply [1] -> 1 bytes"), link.applies);
        assertEquals(List.of("apply begin 3", "apply end 0", "apply begin 0", "apply end 0"), innodb.calls,
                "the worker never began an apply task");
    }

    @Test
    void aKillThatBreaksTheReadFailsTheStatementWith1317() {
        scriptInit(locators(), WireFormat.encodeComplete());
        link.script(4); // the read breaks: the KILL shut the connection before the kill flag was seen
        link.script(6, WireFormat.encodeComplete());
        link.killOnBrokenRead = true;
        assertEquals(1317, runClone());
        assertEquals("Query execution was interrupted", server.message);
    }

    // ---- fakes ----------------------------------------------------------------------------

    /** The donor's side: each command sent queues the next scripted answers for it. */
    private final class Donor implements CloneLink {
        final Map<Integer, Deque<List<ByteBuffer>>> scripts = new HashMap<>();
        final Map<Long, Deque<ByteBuffer>> pending = new HashMap<>();
        final List<String> commands = new ArrayList<>();
        final List<String> applies = new ArrayList<>();
        final List<String> disconnected = new ArrayList<>();
        List<String> validatedCharsets = List.of();
        List<String> validatedConfigs = List.of();
        private long nextConnection = MAIN;
        final java.util.concurrent.CountDownLatch attached = new java.util.concurrent.CountDownLatch(1);
        boolean holdExecuteUntilAttached;
        boolean killOnBrokenRead;

        // The master's EXECUTE waits for the worker's ATTACH, so that the worker runs while the clone does.
        private void awaitAttach() {
            try {
                attached.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void script(int command, ByteBuffer... answers) {
            scripts.computeIfAbsent(command, c -> new ArrayDeque<>()).add(List.of(answers));
        }

        @Override
        public synchronized long connect(long thd, byte[] host, int port, byte[] user, byte[] password, int sslMode,
                                         byte[] key, byte[] cert, byte[] ca, ByteBuffer compression) {
            long connection = nextConnection++;
            pending.put(connection, new ArrayDeque<>());
            return connection;
        }

        @Override
        public int sendCommand(long thd, long connection, boolean setActive, int command, ByteBuffer payload) {
            if (connection == MAIN && command == 4 && holdExecuteUntilAttached) {
                awaitAttach();
            }
            synchronized (this) {
                String name = org.jclone.core.remote.protocol.Command.of(command).name();
                commands.add((connection == MAIN ? "main " : connection == AUX ? "aux " : "worker ") + name);
                Deque<List<ByteBuffer>> script = scripts.get(command);
                List<ByteBuffer> answers = script == null || script.isEmpty() ? List.of() : script.poll();
                pending.get(connection).addAll(answers);
            }
            if (connection > AUX && command == 2) {
                attached.countDown();
            }
            return 0;
        }

        @Override
        public synchronized Packet getResponse(long thd, long connection, boolean setActive, int timeoutSeconds) {
            ByteBuffer next = pending.get(connection).poll();
            if (next == null) {
                server.raiseError(1158, "Got an error reading communication packets");
                server.killed |= killOnBrokenRead;
                return new Packet(1158, 0, null, 0);
            }
            return new Packet(0, 0, next, next.remaining());
        }

        @Override
        public int kill(long connection, long victim) {
            return 0;
        }

        @Override
        public synchronized void disconnect(long thd, long connection, boolean fatal, boolean clearError) {
            if (clearError && thd == THD) {
                server.clear();
            }
            disconnected.add((connection == MAIN ? "main" : connection == AUX ? "aux" : "worker")
                    + (fatal ? " (fatal)" : ""));
        }

        @Override
        public void clearError(long thd) {
            server.code = 0;
            server.message = null;
        }

        @Override
        public int validateCharsets(long thd, List<String> names) {
            validatedCharsets = List.copyOf(names);
            return 0;
        }

        @Override
        public List<String> configs(long thd, List<String> keys) {
            return keys.stream().map(k -> k.equals("max_allowed_packet") ? "67108864" : "").toList();
        }

        @Override
        public int validateConfigs(long thd, List<String> keys, List<String> values) {
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                pairs.add(keys.get(i) + "=" + values.get(i));
            }
            validatedConfigs = pairs;
            return 0;
        }

        @Override
        public boolean pluginInstalled(long thd, String name) {
            return true;
        }

        @Override
        public int apply(long hton, long thd, long locator, int locatorLength, int task, CloneCallbacks handler,
                         ByteBuffer descriptor, int locatorIndex, int bufferSize) {
            byte[] desc = new byte[descriptor.remaining()];
            descriptor.duplicate().get(desc);
            ByteBuffer data = handler.onApplyBuffer(99);
            if (data == null) {
                return server.code != 0 ? server.code : 1815;
            }
            applies.add("apply " + java.util.Arrays.toString(desc) + " -> " + data.remaining() + " bytes");
            return 0;
        }

        @Override
        public int applyError(long hton, long thd, long locator, int locatorLength, int task, int inError) {
            return 0;
        }

        @Override
        public long addressOf(ByteBuffer direct) {
            return 500;
        }

        @Override
        public ByteBuffer viewAt(long address, int length) {
            return ByteBuffer.wrap(new byte[length]);
        }

        // ---- donor-side functions the recipient never calls
        @Override
        public Packet getCommand(long thd) {
            throw new AssertionError();
        }

        @Override
        public int sendResponse(long thd, boolean secure, ByteBuffer message) {
            throw new AssertionError();
        }

        @Override
        public int sendError(long thd, int errorCommand, boolean fatal) {
            throw new AssertionError();
        }

        @Override
        public List<String> charsets(long thd) {
            throw new AssertionError();
        }

        @Override
        public List<String> plugins(long thd) {
            throw new AssertionError();
        }

        @Override
        public int ack(long hton, long thd, long locator, int locatorLength, int inError, CloneCallbacks handler,
                       ByteBuffer descriptor) {
            throw new AssertionError();
        }

        @Override
        public ByteBuffer callbackDescriptor(long callback) {
            return ByteBuffer.allocate(0);
        }

        @Override
        public int callbackLocatorIndex(long callback) {
            return 0;
        }

        @Override
        public boolean callbackSecure(long callback) {
            return false;
        }
    }

    private static final class Engine implements InnoDbClone {
        final List<String> calls = new ArrayList<>();

        @Override
        public long handlerton(long thd) {
            return 3;
        }

        @Override
        public int applyBegin(long hton, long thd, Locator locator, int mode, TargetDirectory dataDir) {
            calls.add("apply begin " + mode);
            locator.address = 600;
            locator.length = 4;
            locator.taskId = 0;
            return 0;
        }

        @Override
        public int applyEnd(long hton, long thd, Locator locator, int task, int inError) {
            calls.add("apply end " + inError);
            return 0;
        }

        @Override
        public int begin(long hton, long thd, Locator locator, int mode) {
            throw new AssertionError();
        }

        @Override
        public int copy(long hton, long thd, Locator locator, int task, CloneCallbacks callbacks, int bufferSize) {
            throw new AssertionError();
        }

        @Override
        public int apply(long hton, long thd, Locator locator, int task, int inError, long callback) {
            throw new AssertionError();
        }

        @Override
        public int ack(long hton, long thd, Locator locator, int task, int inError, long callback) {
            throw new AssertionError();
        }

        @Override
        public int end(long hton, long thd, Locator locator, int task, int inError) {
            throw new AssertionError();
        }
    }

    /** Errors are raised on the calling thread's session, as my_error does. */
    private static final class Sessions implements ServerSessions {
        private static final long WORKER = 8;
        final Map<Long, Integer> codes = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<Long, String> messages = new java.util.concurrent.ConcurrentHashMap<>();
        final ThreadLocal<Long> session = ThreadLocal.withInitial(() -> THD);
        int code;
        String message;

        @Override
        public long startSession() {
            session.set(WORKER);
            return WORKER;
        }

        @Override
        public void finishSession(long thd) {
        }

        volatile boolean killed;

        @Override
        public boolean killed(long thd) {
            return killed && thd == THD;
        }

        void clear() {
            codes.remove(THD);
            messages.remove(THD);
            code = 0;
            message = null;
        }

        @Override
        public boolean acquireBackupLock(long thd, long timeoutSeconds) {
            return true;
        }

        @Override
        public void releaseBackupLock(long thd) {
        }

        @Override
        public void raiseError(int code, String message) {
            long thd = session.get();
            codes.putIfAbsent(thd, code);
            messages.putIfAbsent(thd, message);
            if (thd == THD && this.code == 0) {
                this.code = code;
                this.message = message;
            }
        }

        @Override
        public int pendingErrorCode(long thd) {
            return codes.getOrDefault(thd, 0);
        }

        @Override
        public String pendingErrorMessage(long thd) {
            return messages.get(thd);
        }

        @Override
        public long threadId(long thd) {
            return 9;
        }
    }
}
