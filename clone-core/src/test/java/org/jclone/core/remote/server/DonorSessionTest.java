package org.jclone.core.remote.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jclone.core.config.ConfigSource;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.engine.CloneServices;
import org.jclone.core.engine.InnoDbClone;
import org.jclone.core.engine.Locator;
import org.jclone.core.engine.ServerSessions;
import org.jclone.core.engine.TargetDirectory;
import org.jclone.core.remote.CloneLink;
import org.jclone.core.remote.protocol.DonorMessage;
import org.jclone.core.remote.protocol.EngineLocator;
import org.jclone.core.remote.protocol.InitRequest;
import org.jclone.core.remote.protocol.WireFormat;
import org.junit.jupiter.api.Test;

/**
 * The donor's session against a scripted recipient: whatever arrives, every command ends in
 * COMPLETE or ERROR (or a shut connection after a protocol or network error), and the snapshot
 * task and backup lock the session took are given back.
 */
class DonorSessionTest {
    private static final long THD = 42;
    private static final byte[] LOCATOR = {9, 8, 7};

    private final Script link = new Script();
    private final Engine innodb = new Engine();
    private final Sessions server = new Sessions();
    private final ConfigSource config = new ConfigSource() {
        @Override
        public long number(String name) {
            return 1 << 20;
        }

        @Override
        public String text(String name) {
            return "";
        }
    };

    private int serve() {
        return new DonorSession(new CloneServices(innodb, server, config, null), link, THD).serve();
    }

    private static ByteBuffer init(boolean backupLock) {
        return WireFormat.encodeInit(new InitRequest(WireFormat.VERSION_V3, InitRequest.ddlTimeoutWord(300, backupLock),
                List.of(new EngineLocator(EngineLocator.INNODB, LOCATOR))));
    }

    @Test
    void aWholeCloneIsAnsweredInMysqlsOrder() throws Exception {
        link.command(1, init(true));
        link.command(4, WireFormat.emptyPayload());
        link.command(6, WireFormat.emptyPayload());
        assertEquals(0, serve());
        List<String> sent = link.sentTypes();
        assertEquals(List.of("PLUGIN_V2", "PLUGIN_V2", "COLLATION", "CONFIG", "CONFIG", "CONFIG", "CONFIG", "CONFIG",
                "CONFIG", "CONFIG", "CONFIG_V3", "LOCS", "COMPLETE", "DATA_DESC", "DATA", "COMPLETE", "COMPLETE"), sent);
        DonorMessage.Locators locators = (DonorMessage.Locators) link.sent.get(11);
        assertEquals(WireFormat.VERSION_V3, locators.version());
        assertEquals(List.of(new EngineLocator(12, new byte[] {1, 2})), locators.locators());
        assertEquals(List.of("begin 0", "copy", "end 0"), innodb.calls);
        assertEquals(List.of("lock 300", "unlock"), server.locks);
    }

    @Test
    void anUnknownCommandIsAProtocolErrorAndShutsTheConnection() {
        link.command(99, WireFormat.emptyPayload());
        assertEquals(3863, serve());
        assertEquals(List.of("fatal"), link.errors);
        assertEquals("Clone received unexpected response from Donor : Wrong Clone RPC: Invalid request 99.",
                server.message);
        assertTrue(innodb.calls.isEmpty());
    }

    @Test
    void aTruncatedInitIsAProtocolError() {
        link.command(1, ByteBuffer.allocateDirect(3));
        assertEquals(3863, serve());
        assertEquals(List.of("fatal"), link.errors);
        assertTrue(innodb.calls.isEmpty());
    }

    @Test
    void executeBeforeInitIsRefused() {
        link.command(4, WireFormat.emptyPayload());
        assertEquals(3863, serve());
        assertTrue(server.message.endsWith("Execute request before Init."), server.message);
    }

    @Test
    void aRecipientThatVanishesAfterInitGetsItsSnapshotEndedAndTheLockReleased() {
        link.command(1, init(true));
        link.networkError(1158);
        assertEquals(1158, serve());
        assertEquals(List.of("begin 0", "end 1158"), innodb.calls);
        assertEquals(List.of("lock 300", "unlock"), server.locks);
        assertEquals(List.of("fatal"), link.errors);
    }

    @Test
    void withoutBlockDdlNoBackupLockIsTaken() {
        link.command(1, init(false));
        link.command(6, WireFormat.emptyPayload());
        assertEquals(0, serve());
        assertTrue(server.locks.isEmpty());
        assertEquals(List.of("begin 0", "end 0"), innodb.calls);
    }

    @Test
    void aKilledSessionAnswersWithTheInterruptionAndEndsItsSnapshot() {
        link.command(1, init(false));
        link.command(4, WireFormat.emptyPayload());
        innodb.onCopy = () -> server.killed = true;
        assertEquals(1317, serve());
        assertEquals(List.of("error"), link.errors);
        assertEquals("Query execution was interrupted", server.message);
        assertEquals(List.of("begin 0", "copy", "end 1317"), innodb.calls);
    }

    @Test
    void aSecondInitIsAProtocolErrorAndTheFirstSnapshotIsEnded() {
        link.command(1, init(false));
        link.command(1, init(false));
        assertEquals(3863, serve());
        assertEquals(List.of("begin 0", "end 3863"), innodb.calls);
    }

    @Test
    void attachBeginsATaskAndAFailedAttachDoesNotAbortTheClone() {
        link.command(2, init(true));
        link.networkError(1158);
        assertEquals(1158, serve());
        assertEquals(List.of("begin 2", "end 0"), innodb.calls);
        assertTrue(server.locks.isEmpty(), "a worker never takes the backup lock");
        assertFalse(link.sentTypes().contains("CONFIG"), "a worker gets only the locators");
    }

    // ---- fakes -------------------------------------------------------------------------------

    /** The recipient's side of the connection: scripted commands in, decoded responses out. */
    private static final class Script implements CloneLink {
        final Deque<Packet> commands = new ArrayDeque<>();
        final List<DonorMessage> sent = new ArrayList<>();
        final List<String> errors = new ArrayList<>();

        void command(int code, ByteBuffer payload) {
            commands.add(new Packet(0, code, payload, 0));
        }

        void networkError(int code) {
            commands.add(new Packet(code, 0, null, 0));
        }

        List<String> sentTypes() {
            return sent.stream().map(m -> m.type().name()).toList();
        }

        @Override
        public Packet getCommand(long thd) {
            return commands.isEmpty() ? new Packet(1158, 0, null, 0) : commands.poll();
        }

        @Override
        public int sendResponse(long thd, boolean secure, ByteBuffer message) {
            try {
                sent.add(WireFormat.decodeResponse(message));
                return 0;
            } catch (Exception e) {
                throw new AssertionError("the donor sent a message that does not decode", e);
            }
        }

        @Override
        public int sendError(long thd, int errorCommand, boolean fatal) {
            assertEquals(100, errorCommand);
            errors.add(fatal ? "fatal" : "error");
            return 0;
        }

        @Override
        public List<String> charsets(long thd) {
            return List.of("utf8mb4_0900_ai_ci");
        }

        @Override
        public List<String> configs(long thd, List<String> keys) {
            return keys.stream().map(k -> k.equals("max_allowed_packet") ? "67108864" : "v").toList();
        }

        @Override
        public List<String> plugins(long thd) {
            return List.of("InnoDB", "", "clone", "mysql_clone.so");
        }

        @Override
        public long addressOf(ByteBuffer direct) {
            return 1000;
        }

        @Override
        public ByteBuffer viewAt(long address, int length) {
            return ByteBuffer.wrap(new byte[] {1, 2});
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

        // ---- the recipient's functions the donor never calls
        @Override
        public long connect(long thd, byte[] host, int port, byte[] user, byte[] password, int sslMode, byte[] key,
                            byte[] cert, byte[] ca, ByteBuffer compression) {
            throw new AssertionError();
        }

        @Override
        public int sendCommand(long thd, long connection, boolean setActive, int command, ByteBuffer payload) {
            throw new AssertionError();
        }

        @Override
        public Packet getResponse(long thd, long connection, boolean setActive, int timeoutSeconds) {
            throw new AssertionError();
        }

        @Override
        public int kill(long connection, long victim) {
            throw new AssertionError();
        }

        @Override
        public void disconnect(long thd, long connection, boolean fatal, boolean clearError) {
            throw new AssertionError();
        }

        @Override
        public int validateCharsets(long thd, List<String> names) {
            throw new AssertionError();
        }

        @Override
        public int validateConfigs(long thd, List<String> keys, List<String> values) {
            throw new AssertionError();
        }

        @Override
        public boolean pluginInstalled(long thd, String name) {
            throw new AssertionError();
        }

        @Override
        public int apply(long hton, long thd, long locator, int locatorLength, int task, CloneCallbacks handler,
                         ByteBuffer descriptor, int locatorIndex, int bufferSize) {
            throw new AssertionError();
        }

        @Override
        public int ack(long hton, long thd, long locator, int locatorLength, int inError, CloneCallbacks handler,
                       ByteBuffer descriptor) {
            return 0;
        }

        @Override
        public int applyError(long hton, long thd, long locator, int locatorLength, int task, int inError) {
            throw new AssertionError();
        }
    }

    private static final class Engine implements InnoDbClone {
        final List<String> calls = new ArrayList<>();
        Runnable onCopy = () -> { };

        @Override
        public long handlerton(long thd) {
            return 7;
        }

        @Override
        public int begin(long hton, long thd, Locator locator, int mode) {
            assertEquals(1000, locator.address, "InnoDB gets the recipient's locator");
            calls.add("begin " + mode);
            locator.address = 2000;
            locator.length = 2;
            locator.taskId = 0;
            return 0;
        }

        @Override
        public int applyBegin(long hton, long thd, Locator locator, int mode, TargetDirectory dataDir) {
            throw new AssertionError();
        }

        @Override
        public int copy(long hton, long thd, Locator locator, int task, CloneCallbacks callbacks, int bufferSize) {
            calls.add("copy");
            onCopy.run();
            return callbacks.onBufferData(0, ByteBuffer.allocateDirect(4), false, 0);
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
            calls.add("end " + inError);
            return 0;
        }

        @Override
        public int applyEnd(long hton, long thd, Locator locator, int task, int inError) {
            throw new AssertionError();
        }
    }

    private static final class Sessions implements ServerSessions {
        final List<String> locks = new ArrayList<>();
        boolean killed;
        int code;
        String message;

        @Override
        public long startSession() {
            return 0;
        }

        @Override
        public void finishSession(long thd) {
        }

        @Override
        public boolean killed(long thd) {
            return killed;
        }

        @Override
        public boolean acquireBackupLock(long thd, long timeoutSeconds) {
            locks.add("lock " + timeoutSeconds);
            return true;
        }

        @Override
        public void releaseBackupLock(long thd) {
            locks.add("unlock");
        }

        @Override
        public void raiseError(int code, String message) {
            if (this.code == 0) {
                this.code = code;
                this.message = message;
            }
        }

        @Override
        public int pendingErrorCode(long thd) {
            return code;
        }

        @Override
        public String pendingErrorMessage(long thd) {
            return message;
        }

        @Override
        public long threadId(long thd) {
            return 5;
        }
    }
}
