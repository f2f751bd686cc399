package org.jclone.core.remote.server;

import static org.jclone.core.error.BestEffort.bestEffort;

import java.nio.ByteBuffer;
import java.util.List;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.engine.CloneServices;
import org.jclone.core.engine.InnoDbClone;
import org.jclone.core.engine.Locator;
import org.jclone.core.engine.ServerSessions;
import org.jclone.core.error.CloneException;
import org.jclone.core.error.MysqlError;
import org.jclone.core.io.DataMover;
import org.jclone.core.remote.CloneLink;
import org.jclone.core.remote.protocol.AckRequest;
import org.jclone.core.remote.protocol.Command;
import org.jclone.core.remote.protocol.EngineLocator;
import org.jclone.core.remote.protocol.InitRequest;
import org.jclone.core.remote.protocol.ProtocolException;
import org.jclone.core.remote.protocol.Response;
import org.jclone.core.remote.protocol.WireFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The donor's side of one COM_CLONE connection: reads the recipient's commands until EXIT
 * or an error, answers each with its responses and one COMPLETE or ERROR, and streams
 * InnoDB's snapshot during EXECUTE. Whatever the recipient does, the snapshot task this
 * session began is ended and the backup lock it took is released before it returns.
 */
public final class DonorSession implements CloneCallbacks {
    private static final Logger LOG = LoggerFactory.getLogger(DonorSession.class);

    /** max_allowed_packet the protocol needs on both sides (a DATA message is up to clone_buffer_size). */
    public static final long MIN_MAX_ALLOWED_PACKET = 2L * 1024 * 1024;

    /** Configurations MySQL's donor sends for the recipient to validate, in its order. */
    static final List<String> CONFIGS = List.of("version", "version_compile_machine", "version_compile_os",
            "character_set_server", "character_set_filesystem", "collation_server", "innodb_page_size");
    /** Configurations the recipient uses itself (V3). */
    static final List<String> OTHER_CONFIGS = List.of("clone_donor_timeout_after_network_failure");

    private final InnoDbClone innodb;
    private final ServerSessions server;
    private final CloneLink link;
    private final long thd;
    private final int bufferSize;
    private final DataMover mover;

    private int version = WireFormat.VERSION_V3;
    private boolean master;
    private boolean backupLocked;
    private long hton;
    private Locator locator;
    private ByteBuffer locatorMemory; // the recipient's locator bytes, InnoDB's input at begin
    private boolean storageBegun;
    /** InnoDB keeps a snapshot for a resume only once its copy began (in this or an earlier session). */
    private boolean copyBegun;
    private ByteBuffer scratch;
    private long bytesSent;

    public DonorSession(CloneServices services, CloneLink link, long thd) {
        this.innodb = services.innodb();
        this.server = services.server();
        this.link = link;
        this.thd = thd;
        this.bufferSize = (int) services.config().number("clone_buffer_size");
        this.mover = new DataMover(bufferSize);
    }

    /** Serves commands until EXIT or an error; 0 or the error that ended the session. */
    public int serve() {
        LOG.info("Clone donor: session {} starts serving a recipient", threadId());
        int rc = 0;
        Command command = null;
        try {
            while (true) {
                CloneLink.Packet received = link.getCommand(thd);
                boolean done = true;
                if (received.error() != 0) {
                    rc = received.error();
                } else {
                    command = Command.of(received.command());
                    rc = handleGuarded(command, received.command(), received.packet());
                    done = command == Command.EXIT;
                }
                if (rc == 0 && server.killed(thd)) {
                    rc = raise(MysqlError.ER_QUERY_INTERRUPTED.code(), MysqlError.ER_QUERY_INTERRUPTED.message());
                }
                rc = sendStatus(rc);
                if (done || rc != 0) {
                    break;
                }
            }
        } catch (Throwable t) {
            rc = raise(MysqlError.ER_INTERNAL_ERROR.code(), MysqlError.ER_INTERNAL_ERROR.message(
                    "clone donor failed: " + t));
        } finally {
            // A worker that fails to attach does not abort the clone (as MySQL's donor).
            release(command == Command.ATTACH ? 0 : rc);
            mover.close();
        }
        int result = rc;
        bestEffort("log the session", () -> LOG.info("Clone donor: session {} ends ({}), {} bytes sent", threadId(),
                result == 0 ? "done" : "error " + result, bytesSent));
        return rc;
    }

    private int handleGuarded(Command command, int code, ByteBuffer payload) {
        try {
            if (command == null) {
                return protocolError("Wrong Clone RPC: Invalid request " + code);
            }
            return handle(command, payload);
        } catch (ProtocolException e) {
            return protocolError(e.getMessage());
        } catch (CloneException e) {
            return raise(e.code(), e.getMessage());
        }
    }

    private int handle(Command command, ByteBuffer payload) throws ProtocolException, CloneException {
        switch (command) {
            case INIT:
                master = true;
                return initStorage(InnoDbClone.MODE_START, WireFormat.decodeInit(payload));
            case REINIT:
                master = true;
                return initStorage(InnoDbClone.MODE_RESTART, WireFormat.decodeInit(payload));
            case ATTACH:
                master = false;
                return initStorage(InnoDbClone.MODE_ADD_TASK, WireFormat.decodeInit(payload));
            case EXECUTE:
                if (!storageBegun) {
                    return protocolError("Wrong Clone RPC: Execute request before Init");
                }
                copyBegun = true;
                return innodb.copy(hton, thd, locator, locator.taskId, this, bufferSize);
            case ACK:
                return acknowledge(WireFormat.decodeAck(payload));
            case EXIT:
                if (storageBegun) {
                    storageBegun = false;
                    return innodb.end(hton, thd, locator, locator.taskId, 0);
                }
                return 0;
            default:
                return protocolError("Wrong Clone RPC: Invalid request");
        }
    }

    private int initStorage(int mode, InitRequest request) throws CloneException {
        if (storageBegun) {
            return protocolError("Wrong Clone RPC: Init after Init");
        }
        version = Math.min(request.version(), WireFormat.VERSION_V3);
        if (request.locators().size() != 1 || request.locators().get(0).engineType() != EngineLocator.INNODB) {
            return protocolError("Wrong Clone RPC: only InnoDB's locator is known");
        }
        if (master) {
            server.startDonorStatement(thd);
        }
        if (master && request.backupLock()) {
            if (!server.acquireBackupLock(thd, request.ddlTimeoutSeconds())) {
                return pendingOr(MysqlError.ER_LOCK_WAIT_TIMEOUT.code(), MysqlError.ER_LOCK_WAIT_TIMEOUT.message());
            }
            backupLocked = true;
            LOG.info("Clone donor: session {} acquired the backup lock", threadId());
        }
        hton = innodb.handlerton(thd);
        byte[] received = request.locators().get(0).locator();
        locatorMemory = ByteBuffer.allocateDirect(Math.max(1, received.length));
        locatorMemory.put(received).flip();
        Locator begun = Locator.empty();
        begun.address = link.addressOf(locatorMemory);
        begun.length = received.length;
        int rc = innodb.begin(hton, thd, begun, mode);
        if (rc != 0) {
            return pendingOr(rc, MysqlError.ER_INTERNAL_ERROR.message("clone begin failed in InnoDB with error " + rc));
        }
        locator = begun;
        storageBegun = true;
        if (mode == InnoDbClone.MODE_RESTART) {
            copyBegun = true;
            SnapshotWait.resumed();
        }
        LOG.info("Clone donor: session {} began {} (protocol version 0x{})", threadId(),
                mode == InnoDbClone.MODE_ADD_TASK ? "a task" : "the snapshot", Integer.toHexString(version));
        if (master && mode == InnoDbClone.MODE_START) {
            rc = checkMaxAllowedPacket();
            if (rc == 0) {
                rc = sendParameters();
            }
            if (rc != 0) {
                return rc;
            }
        }
        byte[] bytes = bytesOf(locator);
        return link.sendResponse(thd, false,
                WireFormat.encodeLocators(version, List.of(new EngineLocator(EngineLocator.INNODB, bytes))));
    }

    private int checkMaxAllowedPacket() {
        List<String> values = link.configs(thd, List.of("max_allowed_packet"));
        if (values == null) {
            return pendingOr(MysqlError.ER_INTERNAL_ERROR.code(), "cannot read max_allowed_packet");
        }
        long packet = Long.parseLong(values.get(0).trim());
        if (packet < MIN_MAX_ALLOWED_PACKET) {
            return raise(MysqlError.ER_CLONE_NETWORK_PACKET.code(),
                    MysqlError.ER_CLONE_NETWORK_PACKET.message(MIN_MAX_ALLOWED_PACKET, packet));
        }
        return 0;
    }

    /** Plugins, collations and configurations, as MySQL's donor sends them after INIT. */
    private int sendParameters() {
        List<String> plugins = link.plugins(thd);
        if (plugins == null) {
            return raise(MysqlError.ER_INTERNAL_ERROR.code(),
                    MysqlError.ER_INTERNAL_ERROR.message("Clone error sending plugin information"));
        }
        for (int i = 0; i + 1 < plugins.size(); i += 2) {
            ByteBuffer message = version == WireFormat.VERSION_V1 ? WireFormat.encodePlugin(plugins.get(i))
                    : WireFormat.encodePluginV2(plugins.get(i), plugins.get(i + 1));
            int rc = link.sendResponse(thd, false, message);
            if (rc != 0) {
                return rc;
            }
        }
        List<String> charsets = link.charsets(thd);
        if (charsets == null) {
            return pendingOr(MysqlError.ER_INTERNAL_ERROR.code(), "cannot list the collations");
        }
        for (String charset : charsets) {
            int rc = link.sendResponse(thd, false, WireFormat.encodeCollation(charset));
            if (rc != 0) {
                return rc;
            }
        }
        int rc = sendConfigs(CONFIGS, false);
        return rc != 0 || version < WireFormat.VERSION_V3 ? rc : sendConfigs(OTHER_CONFIGS, true);
    }

    private int sendConfigs(List<String> keys, boolean other) {
        List<String> values = link.configs(thd, keys);
        if (values == null) {
            return pendingOr(MysqlError.ER_INTERNAL_ERROR.code(), "cannot read the configuration");
        }
        for (int i = 0; i < keys.size(); i++) {
            ByteBuffer message = other ? WireFormat.encodeConfigV3(keys.get(i), values.get(i))
                    : WireFormat.encodeConfig(keys.get(i), values.get(i));
            int rc = link.sendResponse(thd, false, message);
            if (rc != 0) {
                return rc;
            }
        }
        return 0;
    }

    private int acknowledge(AckRequest ack) {
        if (ack.locator().engineType() != EngineLocator.INNODB) {
            return protocolError("Wrong Clone RPC: ACK for an unknown engine");
        }
        if (hton == 0) {
            hton = innodb.handlerton(thd);
        }
        byte[] bytes = ack.locator().locator();
        ByteBuffer memory = ByteBuffer.allocateDirect(Math.max(1, bytes.length)).put(bytes).flip();
        ByteBuffer descriptor = ByteBuffer.allocateDirect(Math.max(1, ack.descriptor().length))
                .put(ack.descriptor()).flip();
        return link.ack(hton, thd, link.addressOf(memory), bytes.length, ack.error(), this, descriptor);
    }

    // ---- streaming: InnoDB's copy callbacks ------------------------------------------------

    @Override
    public int onFileData(long callback, int fd, long offset, int length, int flags) {
        try {
            int stop = interrupted();
            if (stop != 0) {
                return stop;
            }
            ByteBuffer message = mover.fileToMessage(fd, offset, length, flags, WireFormat.DATA_HEADER);
            WireFormat.putDataHeader(message, WireFormat.DATA_HEADER);
            int rc = sendDescriptor(callback);
            if (rc == 0) {
                rc = link.sendResponse(thd, false, message);
                bytesSent += length;
            }
            return rc;
        } catch (CloneException e) {
            return raise(e.code(), e.getMessage());
        } catch (Throwable t) {
            return raise(MysqlError.ER_INTERNAL_ERROR.code(), MysqlError.ER_INTERNAL_ERROR.message(
                    "clone donor failed: " + t));
        }
    }

    @Override
    public int onBufferData(long callback, ByteBuffer data, boolean stateChange, long estimate) {
        try {
            int stop = interrupted();
            if (stop != 0) {
                return stop;
            }
            int rc = sendDescriptor(callback);
            if (rc != 0 || data == null || !data.hasRemaining()) {
                return rc;
            }
            int length = data.remaining();
            ByteBuffer message = scratch(WireFormat.DATA_HEADER + length);
            message.put((byte) Response.DATA.code()).put(data.duplicate()).flip();
            bytesSent += length;
            return link.sendResponse(thd, false, message);
        } catch (Throwable t) {
            return raise(MysqlError.ER_INTERNAL_ERROR.code(), MysqlError.ER_INTERNAL_ERROR.message(
                    "clone donor failed: " + t));
        }
    }

    @Override
    public long onApplyFile(long callback, int fd, long offset, int flags) {
        return -raise(MysqlError.ER_INTERNAL_ERROR.code(),
                MysqlError.ER_INTERNAL_ERROR.message("Apply callback from Clone Server"));
    }

    @Override
    public ByteBuffer onApplyBuffer(long callback) {
        raise(MysqlError.ER_INTERNAL_ERROR.code(), MysqlError.ER_INTERNAL_ERROR.message("Apply callback from Clone Server"));
        return null;
    }

    private int sendDescriptor(long callback) {
        ByteBuffer descriptor = link.callbackDescriptor(callback);
        ByteBuffer message = WireFormat.encodeDescriptor(EngineLocator.INNODB, link.callbackLocatorIndex(callback),
                descriptor);
        return link.sendResponse(thd, link.callbackSecure(callback), message);
    }

    private int interrupted() {
        return server.killed(thd)
                ? raise(MysqlError.ER_QUERY_INTERRUPTED.code(), MysqlError.ER_QUERY_INTERRUPTED.message()) : 0;
    }

    private ByteBuffer scratch(int length) {
        if (scratch == null || scratch.capacity() < length) {
            scratch = ByteBuffer.allocateDirect(Math.max(length, 64 * 1024));
        }
        return scratch.clear().limit(length);
    }

    // ---- the end of a command and of the session ---------------------------------------------

    /** COMPLETE, or ERROR with the session's raised error; a broken connection is only shut. */
    private int sendStatus(int rc) {
        if (rc == 0) {
            return link.sendResponse(thd, false, WireFormat.encodeComplete());
        }
        if (server.pendingErrorCode(thd) == 0) {
            raise(rc, MysqlError.ER_INTERNAL_ERROR.message("clone donor failed with error " + rc));
        }
        int sent = link.sendError(thd, Response.ERROR.code(), isNetworkError(rc));
        bestEffort("log the session", () -> LOG.info("Clone donor: session {} sent error {}: {}", threadId(), rc,
                server.pendingErrorMessage(thd)));
        return sent != 0 ? sent : rc;
    }

    /** Errors after which the connection is unusable: the donor sends nothing and shuts it. */
    static boolean isNetworkError(int code) {
        return code == 1153 || (code >= 1156 && code <= 1161) || code == MysqlError.ER_CLONE_PROTOCOL.code();
    }

    private void release(int error) {
        if (storageBegun) {
            storageBegun = false;
            long timeout = master && copyBegun ? donorTimeoutMinutes() : 0;
            SnapshotWait wait = null;
            if (SnapshotWait.kept(master && copyBegun, error, timeout)) {
                wait = new SnapshotWait();
                bestEffort("log the session", () -> LOG.warn("Clone donor: session {} lost its recipient (error {}: {}); the snapshot "
                        + "waits up to {} min (clone_donor_timeout_after_network_failure) for the recipient to resume",
                        threadId(), error, server.pendingErrorMessage(thd), timeout));
            }
            // On a network error InnoDB's clone end is where the snapshot waits for a REINIT.
            int rc = innodb.end(hton, thd, locator, locator.taskId, error);
            if (wait != null) {
                SnapshotWait ended = wait;
                bestEffort("log the end of the wait", () -> logWaitEnd(ended, timeout));
            }
            bestEffort("log the session", () -> LOG.info("Clone donor: session {} ended its snapshot task (error {}, end {})",
                    threadId(), error, rc));
        }
        if (backupLocked) {
            backupLocked = false;
            server.releaseBackupLock(thd);
        }
    }

    private void logWaitEnd(SnapshotWait wait, long timeout) {
        switch (wait.ending(server.killed(thd), timeout)) {
            case RESUMED -> LOG.info("Clone donor: session {}: the recipient resumed the snapshot after {} s",
                    threadId(), wait.waitedSeconds());
            case KILLED -> LOG.warn("Clone donor: session {} was killed after waiting {} s; snapshot dropped",
                    threadId(), wait.waitedSeconds());
            case TIMED_OUT -> LOG.error("Clone donor: no recipient resumed the snapshot within {} min "
                    + "(clone_donor_timeout_after_network_failure); snapshot dropped", timeout);
            case ENDED_EARLY -> LOG.warn("Clone donor: session {} stopped waiting after {} s (another clone "
                    + "or DDL took over); snapshot dropped", threadId(), wait.waitedSeconds());
        }
    }

    private long donorTimeoutMinutes() {
        try {
            List<String> values = link.configs(thd, OTHER_CONFIGS);
            return values == null ? 5 : Long.parseLong(values.get(0).trim());
        } catch (RuntimeException e) {
            return 5; // InnoDB's own default when it cannot read the variable
        }
    }

    private byte[] bytesOf(Locator locator) {
        ByteBuffer view = link.viewAt(locator.address, locator.length);
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    private int protocolError(String what) {
        return raise(MysqlError.ER_CLONE_PROTOCOL.code(), MysqlError.ER_CLONE_PROTOCOL.message(what));
    }

    private int pendingOr(int code, String message) {
        int pending = server.pendingErrorCode(thd);
        return pending != 0 ? pending : raise(code, message);
    }

    private int raise(int code, String message) {
        try {
            server.raiseError(code, message);
        } catch (Throwable ignored) {
            // The code still ends the session.
        }
        return code;
    }

    private long threadId() {
        try {
            return server.threadId(thd);
        } catch (Throwable t) {
            return -1;
        }
    }

}
