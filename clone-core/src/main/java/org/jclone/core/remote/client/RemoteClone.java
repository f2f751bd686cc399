package org.jclone.core.remote.client;

import static org.jclone.core.error.BestEffort.bestEffort;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jclone.core.config.CloneConfig;
import org.jclone.core.config.ConfigSource;
import org.jclone.core.engine.CloneServices;
import org.jclone.core.engine.InnoDbClone;
import org.jclone.core.engine.Locator;
import org.jclone.core.engine.ServerSessions;
import org.jclone.core.engine.TargetDirectory;
import org.jclone.core.error.CloneException;
import org.jclone.core.error.Failure;
import org.jclone.core.error.MysqlError;
import org.jclone.core.io.IncompleteClone;
import org.jclone.core.local.Autotuner;
import org.jclone.core.local.TaskThreads;
import org.jclone.core.local.CloneRegistry;
import org.jclone.core.remote.CloneLink;
import org.jclone.core.remote.protocol.AckRequest;
import org.jclone.core.remote.protocol.Command;
import org.jclone.core.remote.protocol.DonorMessage;
import org.jclone.core.remote.protocol.EngineLocator;
import org.jclone.core.remote.protocol.InitRequest;
import org.jclone.core.remote.protocol.WireFormat;
import org.jclone.core.stats.CloneStats;
import org.jclone.core.status.CloneStage;
import org.jclone.core.status.CloneStatus;
import org.jclone.core.status.StageProgress;
import org.jclone.core.status.StatusBoard;
import org.jclone.core.throttle.BandwidthThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CLONE INSTANCE FROM on the recipient: the master task on the client's session connects to
 * the donor (a main and an auxiliary connection), negotiates with INIT, validates the donor,
 * begins InnoDB's apply, runs EXECUTE with up to clone_max_concurrency - 1 workers that each
 * ATTACH on a connection of their own, and ends with EXIT on every connection. Into a new
 * DATA DIRECTORY, or (no directory) over this server's own data.
 */
public final class RemoteClone {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteClone.class);
    private static final long MIN_MAX_ALLOWED_PACKET = 2L * 1024 * 1024;
    private static final int PLUGIN_MATCH = 3870; // ER_CLONE_PLUGIN_MATCH
    /** Connection rounds at most, the first included (MySQL's recipient: 100). */
    static final int MAX_ROUNDS = 100;

    private final InnoDbClone innodb;
    private final ServerSessions server;
    private final ConfigSource settings;
    private final CloneLink link;
    private final long thd;
    private final CloneSource source;
    private final String dataDir;
    private final Path targetPath;
    private final CloneConfig config;
    private final Failure failure = new Failure();
    /** Set when the client's session was killed: the statement then fails with 1317 whatever else failed. */
    private final Failure interrupted = new Failure();
    private final CloneStats stats = new CloneStats();
    private final StatusBoard board;
    private final BandwidthThrottle dataThrottle;
    private final BandwidthThrottle networkThrottle;
    private volatile Autotuner autotuner;
    private final DonorParameters parameters = new DonorParameters();
    private final TaskThreads workers =
            new TaskThreads(task -> new Thread(null, task, "jclone-client", 4L << 20), "jclone-client-");
    /**
     * Sessions of workers still attaching: as with MySQL's recipient, a worker the donor or InnoDB
     * will not take (the clone may be finishing) leaves the clone to the others; its errors stay its own.
     */
    private final Set<Long> attaching = ConcurrentHashMap.newKeySet();

    private long hton;
    private TargetDirectory target;
    private ClientTask masterTask;
    private long auxConnection;
    /** The master's VERSION-mode apply, ended when the donor's locators arrive. */
    private Locator versionLocator;
    /** The apply locator every task uses, InnoDB's after the master's apply begin. */
    private volatile Locator sharedLocator;
    /** Locators from the wire and compression contexts: native memory InnoDB or the server point into. */
    private final List<ByteBuffer> keptMemory = new ArrayList<>();
    private int version = WireFormat.VERSION_V3;
    private boolean backupLocked;
    /** Resumes after network failures, and the time spent reconnecting. */
    private int resumes;
    private long reconnectNanos;

    public RemoteClone(CloneServices services, CloneLink link, long thd, CloneSource source, String dataDir,
                       Path targetPath) {
        this.innodb = services.innodb();
        this.server = services.server();
        this.settings = services.config();
        this.link = link;
        this.thd = thd;
        this.source = source;
        this.dataDir = dataDir;
        this.targetPath = targetPath;
        this.config = CloneConfig.read(services.config());
        this.board = services.status();
        this.dataThrottle = new BandwidthThrottle(() -> settings.number("clone_max_data_bandwidth"));
        this.networkThrottle = new BandwidthThrottle(() -> settings.number("clone_max_network_bandwidth"));
        this.autotuner = new Autotuner(config.maxConcurrency(), System.nanoTime());
    }

    /** Runs the clone on the client's session; 0, or the error already raised for the client. */
    public int run() {
        String donors = settings.text("clone_valid_donor_list");
        if (!source.listedIn(donors)) {
            return raiseNow(MysqlError.ER_CLONE_SYS_CONFIG.code(), MysqlError.ER_CLONE_SYS_CONFIG.message(
                    source.address() + " is not found in clone_valid_donor_list: " + (donors == null ? "" : donors)));
        }
        try {
            CloneRegistry.enter(this);
        } catch (CloneException e) {
            return raiseNow(e.code(), e.getMessage());
        }
        try {
            return runAdmitted();
        } finally {
            CloneRegistry.leave(this);
        }
    }

    private int runAdmitted() {
        boolean existed = true;
        int rc;
        try {
            existed = targetPath == null || Files.exists(targetPath);
            target = dataDir == null ? null : TargetDirectory.of(dataDir);
            String destination = dataDir == null ? CloneStatus.LOCAL_INSTANCE : dataDir;
            bestEffort("log the clone's start", () -> LOG.info("Clone begins: source {}, destination {}, "
                    + "max concurrency {}, autotune {}, buffer {} bytes, SSL mode {}", source.address(), destination,
                    config.maxConcurrency(), config.autotuneConcurrency() ? "ON" : "OFF", config.bufferSize(),
                    source.sslMode()));
            bestEffort("record the clone's start",
                    () -> board.begin(server.threadId(thd), source.address(), destination, targetPath, 1));
            rc = execute();
        } catch (Throwable t) {
            rc = failure.record(t);
        } finally {
            Reference.reachabilityFence(target);
            Reference.reachabilityFence(keptMemory);
        }
        if (rc == 0) {
            if (dataDir == null) {
                // The server restarts on the new data; its recovery completes the status.
                bestEffort("record the clone's success", board::provisioned);
            } else {
                bestEffort("record the clone's success", () -> board.end(0, null));
            }
            bestEffort("log the clone's end", () -> LOG.info("Clone ends: {} bytes in {} s ({} MiB/s) from {}{}",
                    stats.totalBytes(), String.format("%.2f", stats.elapsedSeconds()),
                    String.format("%.1f", stats.elapsedSeconds() <= 0 ? 0
                            : stats.totalBytes() / 1048576.0 / stats.elapsedSeconds()), source.address(),
                    resumeSummary()));
            return 0;
        }
        return report(rc, existed);
    }

    /** The master's life, in MySQL's order; every connection and apply begun is ended. */
    private int execute() {
        hton = innodb.handlerton(thd);
        masterTask = new ClientTask(this, link, thd, true, config.bufferSize());
        int rc;
        try {
            rc = connectAndRun();
        } catch (Throwable t) {
            rc = record(thd, t);
        }
        rc = outcome(rc);
        workers.closeAndJoin();
        rc = outcome(rc);
        if (versionLocator != null) {
            Locator version = versionLocator;
            versionLocator = null;
            innodb.applyEnd(hton, thd, version, 0, rc);
        }
        if (sharedLocator != null && masterTask.storageActive) {
            masterTask.storageActive = false;
            int ended = innodb.applyEnd(hton, thd, sharedLocator, masterTask.applyTask, rc);
            if (ended != 0 && rc == 0) {
                rc = recordPending(thd, ended, "apply end");
            }
        }
        if (backupLocked && rc != 0) {
            backupLocked = false;
            server.releaseBackupLock(thd);
        }
        masterTask.close();
        return outcome(rc);
    }

    /**
     * Connection rounds: the first with INIT; after a network failure during the copy, the
     * next ones reconnect, resume InnoDB's apply in RESTART mode and send REINIT, as MySQL's
     * recipient does, while the donor keeps its snapshot (at most {@link #MAX_ROUNDS}).
     */
    private int connectAndRun() {
        boolean restart = false;
        for (int round = 1; ; round++) {
            RoundResult result = round(restart);
            int rc = result.rc();
            if (rc == 0 || !result.resumable()) {
                return rc;
            }
            if (server.killed(thd)) {
                link.clearError(thd);
                return recordRaised(thd, MysqlError.ER_QUERY_INTERRUPTED.code(),
                        MysqlError.ER_QUERY_INTERRUPTED.message());
            }
            CloneException cause = failure.get();
            String what = cause == null ? "error " + rc : cause.code() + ": " + cause.getMessage();
            if (parameters.donorTimeoutMinutes <= 0) {
                return noResume(String.format("the connection to %s failed during the copy (%s); the donor keeps "
                        + "nothing to resume (clone_donor_timeout_after_network_failure = 0)", source.address(), what));
            }
            if (round >= MAX_ROUNDS) {
                return noResume(String.format("the connection to %s failed during the copy (%s) in the last of %d "
                        + "connection rounds; no more resumes", source.address(), what, MAX_ROUNDS));
            }
            int next = round + 1;
            bestEffort("log the failure", () -> LOG.warn("Clone: network failure during the copy from {} after {} "
                    + "bytes applied ({}); reconnecting for up to {} min to resume (round {} of at most {})",
                    source.address(), stats.totalBytes(), cause == null ? rc : cause.getMessage(),
                    parameters.donorTimeoutMinutes, next, MAX_ROUNDS));
            if (!restart || result.copied()) {
                // The donor's wait starts again at each failure of a copy that had resumed.
                failedAtNanos = System.nanoTime();
            }
            // The failure is behind: tasks must not stop on it, and the session's error is cleared.
            failure.clear();
            link.clearError(thd);
            restart = true;
        }
    }

    /** A network failure that cannot be resumed: 3862 naming the donor, in place of the bare network error. */
    private int noResume(String message) {
        failure.clear();
        link.clearError(thd);
        return recordRaised(thd, MysqlError.ER_CLONE_DONOR.code(), MysqlError.ER_CLONE_DONOR.message(message));
    }

    /** One round's outcome; resumable when a network failure cut it during the copy. */
    private record RoundResult(int rc, boolean resumable, boolean copied) {
        RoundResult(int rc, boolean resumable) {
            this(rc, resumable, false);
        }
    }

    /** When the network failure that began the current resume happened (System.nanoTime). */
    private long failedAtNanos;

    private RoundResult round(boolean restart) {
        workers.reopen();
        if (restart) {
            long deadline = failedAtNanos + parameters.donorTimeoutMinutes * 60_000_000_000L;
            long started = System.nanoTime();
            Reconnector.Outcome back = new Reconnector(Reconnector.DEFAULT_INTERVAL_NANOS, () -> server.killed(thd))
                    .reconnect(failedAtNanos, deadline, () -> connect(thd), attempt -> bestEffort(
                            "log a reconnect", () -> LOG.info("Clone: reconnect {} to {} failed: {}", attempt,
                                    source.address(), server.pendingErrorMessage(thd))));
            reconnectNanos += System.nanoTime() - started;
            if (back.connection() == 0) {
                return new RoundResult(gaveUp(back), false);
            }
            masterTask.connection = back.connection();
            autotuner = new Autotuner(config.maxConcurrency(), System.nanoTime());
        } else {
            masterTask.connection = connect(thd);
            if (masterTask.connection == 0) {
                return new RoundResult(recordPending(thd, MysqlError.ER_CLONE_DONOR.code(), "connect"), false);
            }
        }
        auxConnection = connect(0);
        if (auxConnection == 0) {
            int rc = recordPending(thd, MysqlError.ER_CLONE_DONOR.code(), "auxiliary connect");
            int exit = masterTask.command(Command.EXIT, WireFormat.emptyPayload(), 0);
            link.disconnect(thd, masterTask.connection, exit != 0, false);
            masterTask.connection = 0;
            // As MySQL's recipient: in a resume, another round (the donor may be coming back).
            return new RoundResult(rc, restart);
        }
        int rc = restart ? reinit() : init();
        boolean copying = false;
        if (rc == 0 && !restart && dataDir == null) {
            rc = delayAfterDataDrop();
        }
        if (rc == 0) {
            if (restart) {
                resumes++;
                String[] stage = {null};
                bestEffort("count the resume in clone_progress", () -> stage[0] = board.resumed());
                bestEffort("log the resume", () -> LOG.warn("Clone: resumed from {} ({} of at most {}) in {} after {} s "
                        + "without the donor; {} bytes applied before", source.address(), resumes, MAX_ROUNDS - 1,
                        stage[0] == null ? "no stage yet" : stage[0],
                        String.format("%.1f", (System.nanoTime() - failedAtNanos) / 1e9), stats.totalBytes()));
            }
            if (!config.autotuneConcurrency()) {
                addWorkers(limitWorkers(config.maxConcurrency() - 1));
            }
            copying = true;
            rc = masterTask.command(Command.EXECUTE, WireFormat.emptyPayload(), 0);
        }
        rc = outcome(rc);
        // The auxiliary connection first: EXIT, and on a KILL the donor's main session is killed over it.
        int exit = auxCommand(Command.EXIT, WireFormat.emptyPayload());
        if (exit == 0 && rc == MysqlError.ER_QUERY_INTERRUPTED.code()) {
            exit = link.kill(auxConnection, masterTask.connection);
        }
        link.disconnect(0, auxConnection, exit != 0, false);
        auxConnection = 0;
        boolean abort = isNetworkError(rc, true);
        if (!abort) {
            abort = masterTask.command(Command.EXIT, WireFormat.emptyPayload(), 0) != 0;
        }
        // A KILL can reach a task as a broken read before the session's kill flag is seen: the
        // statement's error is then 1317, so the network error goes with the connection.
        boolean killed = server.killed(thd);
        link.disconnect(thd, masterTask.connection, abort, rc == 0 || killed);
        masterTask.connection = 0;
        if (killed && rc != MysqlError.ER_QUERY_INTERRUPTED.code()) {
            rc = interrupted.record(MysqlError.ER_QUERY_INTERRUPTED.exception());
        }
        if (rc != 0) {
            tellStorage(masterTask, rc);
        }
        // Every worker ends its apply task before InnoDB can restart the master's.
        workers.closeAndJoin();
        rc = outcome(rc);
        return new RoundResult(rc, (copying || restart) && isNetworkError(rc, false), copying);
    }

    /** No connection back within the donor's timeout (or a KILL): the clone's error, raised. */
    private int gaveUp(Reconnector.Outcome back) {
        String last = server.pendingErrorMessage(thd);
        link.clearError(thd);
        if (back.killed()) {
            return recordRaised(thd, MysqlError.ER_QUERY_INTERRUPTED.code(), MysqlError.ER_QUERY_INTERRUPTED.message());
        }
        String message = MysqlError.ER_CLONE_DONOR.message(String.format(
                "%s did not come back within %d s after a network failure during the copy (%d attempts; the donor "
                        + "keeps the clone for clone_donor_timeout_after_network_failure = %d min); last attempt: %s",
                source.address(), back.waitedNanos() / 1_000_000_000L, back.attempts(), parameters.donorTimeoutMinutes,
                last == null ? "no answer" : last));
        return recordRaised(thd, MysqlError.ER_CLONE_DONOR.code(), message);
    }

    /** REINIT: InnoDB's apply restarts where it stopped and gives the locator that tells the donor where. */
    private int reinit() {
        Locator restart = sharedLocator;
        int rc = innodb.applyBegin(hton, thd, restart, InnoDbClone.MODE_RESTART, target);
        if (rc != 0) {
            return recordPending(thd, rc, "apply begin (restart)");
        }
        InitRequest request = new InitRequest(version,
                InitRequest.ddlTimeoutWord(config.ddlTimeoutSeconds(), config.blockDdl()),
                List.of(new EngineLocator(EngineLocator.INNODB, bytesOf(restart))));
        return masterTask.command(Command.REINIT, WireFormat.encodeInit(request), 0);
    }

    private int init() {
        Locator version = Locator.empty();
        int rc = innodb.applyBegin(hton, thd, version, InnoDbClone.MODE_VERSION, target);
        if (rc != 0) {
            return recordPending(thd, rc, "apply begin");
        }
        versionLocator = version;
        InitRequest request = new InitRequest(WireFormat.VERSION_V3,
                InitRequest.ddlTimeoutWord(config.ddlTimeoutSeconds(), config.blockDdl()),
                List.of(new EngineLocator(EngineLocator.INNODB, bytesOf(version))));
        int timeout = (int) Math.min(Integer.MAX_VALUE, config.ddlTimeoutSeconds() + 300);
        rc = masterTask.command(Command.INIT, WireFormat.encodeInit(request), timeout);
        if (rc == 0 && sharedLocator == null) {
            rc = recordRaised(thd, MysqlError.ER_CLONE_PROTOCOL.code(),
                    MysqlError.ER_CLONE_PROTOCOL.message("Wrong Clone RPC response: no locators"));
        }
        return rc;
    }

    /** clone_delay_after_data_drop: a replacing clone waits after INIT, KILL-able. */
    private int delayAfterDataDrop() {
        long delay = config.delayAfterDataDropSeconds();
        if (delay <= 0) {
            return 0;
        }
        LOG.info("Clone: delay after data drop, {} s", delay);
        long end = System.nanoTime() + delay * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (server.killed(thd)) {
                return recordRaised(thd, MysqlError.ER_QUERY_INTERRUPTED.code(),
                        MysqlError.ER_QUERY_INTERRUPTED.message());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return 0;
    }

    private long connect(long sessionThd) {
        ByteBuffer compression = null;
        if (settings.number("clone_enable_compression") != 0) {
            // Kept with the locators until the clone ends, after every connection is closed.
            compression = ByteBuffer.allocateDirect(CloneLink.COMPRESSION_MEMORY);
            synchronized (keptMemory) {
                keptMemory.add(compression);
            }
        }
        return link.connect(sessionThd, source.host(), source.port(), source.user(), source.password(),
                source.sslMode(), setting("clone_ssl_key"), setting("clone_ssl_cert"), setting("clone_ssl_ca"),
                compression);
    }

    private byte[] setting(String name) {
        String value = settings.text(name);
        return value == null || value.isEmpty() ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    // ---- called by the tasks -------------------------------------------------------------

    /** LOCS: the master validates the donor and begins its apply; a worker begins its own task. */
    int locatorsArrived(ClientTask task, DonorMessage.Locators locators) throws CloneException {
        if (locators.locators().size() != 1 || locators.locators().get(0).engineType() != EngineLocator.INNODB
                || locators.locators().get(0).locator().length == 0) {
            throw MysqlError.ER_CLONE_PROTOCOL.exception("Wrong Clone RPC response length for COM_RES_LOCS");
        }
        Locator donor = inMemory(locators.locators().get(0).locator());
        if (task.master) {
            version = Math.min(locators.version(), WireFormat.VERSION_V3);
            Locator ending = versionLocator;
            versionLocator = null;
            innodb.applyEnd(hton, thd, ending, 0, 0);
            int rc = validate();
            if (rc != 0) {
                return rc;
            }
            if (dataDir == null) {
                if (!server.acquireBackupLock(thd, config.ddlTimeoutSeconds())) {
                    return recordPending(thd, MysqlError.ER_LOCK_WAIT_TIMEOUT.code(), "backup lock");
                }
                backupLocked = true;
            }
            rc = innodb.applyBegin(hton, thd, donor, InnoDbClone.MODE_START, target);
            if (rc != 0) {
                return recordPending(thd, rc, "apply begin");
            }
            task.applyTask = donor.taskId;
            task.storageActive = true;
            sharedLocator = donor;
            return 0;
        }
        int rc = innodb.applyBegin(hton, task.thd, donor, InnoDbClone.MODE_ADD_TASK, target);
        if (rc != 0) {
            return recordPending(task.thd, rc, "apply begin of a task");
        }
        task.applyTask = donor.taskId;
        task.storageActive = true;
        return 0;
    }

    /** The donor's plugins, collations and configurations, then this server's max_allowed_packet. */
    private int validate() {
        int last = 0;
        for (DonorParameters.Plugin plugin : parameters.plugins) {
            if (link.pluginInstalled(thd, plugin.name())
                    || plugin.sharedObject().isEmpty() || pluginLoadable(plugin.sharedObject())) {
                continue;
            }
            last = raiseNow(PLUGIN_MATCH, "Clone Donor plugin " + plugin.name() + " is not active in Recipient.");
        }
        int rc = link.validateCharsets(thd, parameters.collations);
        if (rc != 0) {
            last = rc;
        }
        rc = link.validateConfigs(thd, parameters.configKeys, parameters.configValues);
        if (rc != 0) {
            last = rc;
        }
        if (last == 0) {
            List<String> packet = link.configs(thd, List.of("max_allowed_packet"));
            long value = packet == null ? 0 : Long.parseLong(packet.get(0).trim());
            if (value < MIN_MAX_ALLOWED_PACKET) {
                last = raiseNow(MysqlError.ER_CLONE_NETWORK_PACKET.code(),
                        MysqlError.ER_CLONE_NETWORK_PACKET.message(MIN_MAX_ALLOWED_PACKET, value));
            }
        }
        if (last != 0) {
            recordPending(thd, last, "validation");
        }
        return last;
    }

    /** A plugin's library in this server's plugin_dir that the server could load. */
    private boolean pluginLoadable(String sharedObject) {
        List<String> dir = link.configs(thd, List.of("plugin_dir"));
        if (dir == null || sharedObject.contains("/")) {
            return false;
        }
        return link.libraryLoadable(dir.get(0) + "/" + sharedObject);
    }

    void parameter(DonorMessage message) {
        parameters.add(message);
    }

    /** Applies one descriptor on a task; InnoDB pulls its data through the task's callbacks. */
    int apply(ClientTask task, ByteBuffer descriptor) {
        Locator shared = sharedLocator;
        if (shared == null || !task.storageActive) {
            return recordRaised(task.thd, MysqlError.ER_CLONE_PROTOCOL.code(),
                    MysqlError.ER_CLONE_PROTOCOL.message("Wrong Clone RPC response: data before locators"));
        }
        int stop = stopCode(task);
        if (stop != 0) {
            return stop;
        }
        int rc = link.apply(hton, task.thd, shared.address, shared.length, task.applyTask, task, descriptor, 0,
                config.bufferSize());
        return rc == 0 ? 0 : recordPending(task.thd, rc, "apply");
    }

    /** ACK on the auxiliary connection: a state change acknowledged, or a local error told. */
    synchronized int sendAck(int error, ByteBuffer descriptor) {
        // A KILL that broke a read is told as what it is: on a network error the donor's InnoDB
        // would keep its snapshot for clone_donor_timeout_after_network_failure, waiting for a resume.
        int told = error != 0 && server.killed(thd) ? MysqlError.ER_QUERY_INTERRUPTED.code() : error;
        Locator shared = sharedLocator;
        if (auxConnection == 0 || shared == null) {
            return error;
        }
        byte[] bytes = new byte[descriptor == null ? 0 : descriptor.remaining()];
        if (descriptor != null) {
            descriptor.duplicate().get(bytes);
        }
        AckRequest ack = new AckRequest(told, new EngineLocator(EngineLocator.INNODB, bytesOf(shared)), bytes);
        int rc = auxCommand(Command.ACK, WireFormat.encodeAck(ack));
        return error != 0 ? error : rc;
    }

    private synchronized int auxCommand(Command command, ByteBuffer payload) {
        if (auxConnection == 0) {
            return MysqlError.ER_CLONE_PROTOCOL.code();
        }
        int rc = link.sendCommand(thd, auxConnection, false, command.code(), payload);
        if (rc != 0) {
            return recordPending(thd, rc, "sending " + command + " on the auxiliary connection");
        }
        return masterTask.receive(auxConnection, false, command, 0);
    }

    /** ERROR from the donor: 3862 "Clone Donor Error: <errno> : <message>." */
    int donorError(long taskThd, DonorMessage.Error error) {
        return recordRaised(taskThd, MysqlError.ER_CLONE_DONOR.code(),
                MysqlError.ER_CLONE_DONOR.message(error.code() + " : " + error.message()));
    }

    /** Tells InnoDB's other tasks that this one failed, so that none waits for it. */
    void tellStorage(ClientTask task, int error) {
        Locator shared = sharedLocator;
        if (shared != null && task.storageActive) {
            bestEffort("tell InnoDB about the failure",
                    () -> link.applyError(hton, task.thd, shared.address, shared.length, task.applyTask, error));
        }
    }

    void stageChanged(long estimate) {
        board.nextStage(estimate, workers.running());
    }

    void network(long bytes) {
        if (bytes > 0) {
            board.addNetwork(bytes);
            networkThrottle.pace(bytes, () -> failure.failed());
        }
    }

    /** Accounts for applied bytes: statistics, bandwidth, autotune; a stop code or 0. */
    int moved(ClientTask task, long bytes) {
        stats.add(bytes);
        board.addData(bytes);
        if (!dataThrottle.pace(bytes, () -> stopCode(task) != 0)) {
            return stopCode(task);
        }
        if (config.autotuneConcurrency() && task.master) {
            int running = workers.running();
            int add = autotuner.workersToAdd(running, stats.totalBytes(), System.nanoTime());
            if (add > 0) {
                LOG.info("Clone autotune: throughput still rising, adding {} task(s) to {}", add, running);
                addWorkers(add);
            }
        }
        return stopCode(task);
    }

    /** A KILL of the client's session stops the master; any task's failure stops all. */
    int stopCode(ClientTask task) {
        if (task.master && server.killed(thd)) {
            return recordRaised(thd, MysqlError.ER_QUERY_INTERRUPTED.code(), MysqlError.ER_QUERY_INTERRUPTED.message());
        }
        return failure.failed() ? failure.get().code() : 0;
    }

    // ---- errors -------------------------------------------------------------------------

    /** Raises the error on the calling thread's session and records it for the clone. */
    int recordRaised(long sessionThd, int code, String message) {
        bestEffort("raise an error", () -> server.raiseError(code, message));
        return failureOf(sessionThd).recordCode(code, message);
    }

    /** The clone's failure, or a throwaway one for a worker that has not joined the clone yet. */
    private Failure failureOf(long sessionThd) {
        return sessionThd != thd && attaching.contains(sessionThd) ? new Failure() : failure;
    }

    /** Records the error the server or InnoDB already raised on {@code sessionThd} (else {@code code}). */
    int recordPending(long sessionThd, int code, String step) {
        CloneException pending = pendingException(sessionThd, code, step);
        failureOf(sessionThd).record(pending);
        return pending.code();
    }

    CloneException pendingException(long sessionThd, int code, String step) {
        int raised = server.pendingErrorCode(sessionThd);
        String message = server.pendingErrorMessage(sessionThd);
        if (raised != 0 && message != null) {
            return new CloneException(raised, message);
        }
        return MysqlError.ER_INTERNAL_ERROR.exception("clone " + step + " failed with error " + code);
    }

    int record(long sessionThd, Throwable thrown) {
        Failure target = failureOf(sessionThd);
        int code = target.record(thrown);
        CloneException recorded = target.get();
        if (thrown instanceof CloneException clone && recorded == clone) {
            bestEffort("raise an error", () -> server.raiseError(clone.code(), clone.getMessage()));
        }
        return code;
    }

    private int outcome(int rc) {
        CloneException first = interrupted.failed() ? interrupted.get() : failure.get();
        return first != null ? first.code() : rc;
    }

    private int raiseNow(int code, String message) {
        server.raiseError(code, message);
        return code;
    }

    /** Network errors end a connection at once; with protocolError, protocol errors and KILL too. */
    static boolean isNetworkError(int code, boolean protocolError) {
        if (code == 1158 || code == 1159 || code == 1160 || code == 1161 || code == 2013) {
            return true;
        }
        if (code == 1156 || code == 1157 || code == 1153 || code == MysqlError.ER_QUERY_INTERRUPTED.code()
                || code == MysqlError.ER_CLONE_PROTOCOL.code()) {
            return protocolError;
        }
        return false;
    }

    // ---- workers ---------------------------------------------------------------------------

    /** Without autotune MySQL's recipient keeps at least 64 MiB/s of any bandwidth limit per worker. */
    private int limitWorkers(int count) {
        long network = settings.number("clone_max_network_bandwidth");
        long data = config.maxDataBandwidthMiB();
        if (network > 0) {
            count = (int) Math.min(count, network / 64);
        }
        if (data > 0) {
            count = (int) Math.min(count, data / 64);
        }
        return Math.max(0, count);
    }

    private void addWorkers(int count) {
        int running = workers.add(count, config.maxConcurrency(), this::runWorker);
        bestEffort("show the task count", () -> board.threads(running));
    }

    private void runWorker(int index) {
        long session = 0;
        ClientTask task = null;
        int rc = 0;
        try {
            session = server.startClientSession();
            if (session == 0) {
                return;
            }
            task = new ClientTask(this, link, session, false, config.bufferSize());
            rc = workerClone(task, index);
        } catch (Throwable t) {
            rc = record(session, t);
        } finally {
            if (task != null) {
                ClientTask ending = task;
                int error = outcome(rc);
                if (ending.storageActive) {
                    ending.storageActive = false;
                    Locator shared = sharedLocator;
                    bestEffort("end a task's apply",
                            () -> innodb.applyEnd(hton, ending.thd, shared, ending.applyTask, error));
                }
                ending.close();
            }
            if (session != 0) {
                long ended = session;
                bestEffort("end a task's session", () -> server.finishSession(ended));
            }
            workers.ended();
        }
    }

    private int workerClone(ClientTask task, int index) {
        if (failure.failed()) {
            return 0;
        }
        task.connection = connect(task.thd);
        if (task.connection == 0) {
            // As MySQL's recipient: a worker that cannot connect leaves the clone to the others.
            bestEffort("log a task that could not connect", () -> LOG.info(
                    "Clone task {} could not connect: {}", index, server.pendingErrorMessage(task.thd)));
            return 0;
        }
        Locator shared = sharedLocator;
        InitRequest attach = new InitRequest(version,
                InitRequest.ddlTimeoutWord(config.ddlTimeoutSeconds(), config.blockDdl()),
                List.of(new EngineLocator(EngineLocator.INNODB, bytesOf(shared))));
        attaching.add(task.thd);
        int rc;
        try {
            rc = task.command(Command.ATTACH, WireFormat.encodeInit(attach), 0);
        } finally {
            attaching.remove(task.thd);
        }
        if (rc != 0 && !task.storageActive) {
            int refused = rc;
            bestEffort("log a task the donor did not take", () -> LOG.info("Clone task {} not added: its ATTACH "
                    + "failed with error {} ({}); going on without it", index, refused,
                    server.pendingErrorMessage(task.thd)));
            rc = 0;
        } else if (rc == 0) {
            rc = task.command(Command.EXECUTE, WireFormat.emptyPayload(), 0);
        }
        if (rc != 0) {
            tellStorage(task, rc);
        }
        boolean abort = isNetworkError(rc, true);
        if (!abort) {
            abort = task.command(Command.EXIT, WireFormat.emptyPayload(), 0) != 0;
        }
        link.disconnect(task.thd, task.connection, abort, false);
        task.connection = 0;
        return rc;
    }

    // ---- locators --------------------------------------------------------------------------

    /** A locator from the wire, in memory this clone keeps until its last apply end. */
    private Locator inMemory(byte[] bytes) {
        ByteBuffer memory = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        synchronized (keptMemory) {
            keptMemory.add(memory);
        }
        Locator locator = Locator.empty();
        locator.address = link.addressOf(memory);
        locator.length = bytes.length;
        return locator;
    }

    private byte[] bytesOf(Locator locator) {
        ByteBuffer view = link.viewAt(locator.address, locator.length);
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    // ---- the end ---------------------------------------------------------------------------

    private int report(int rc, boolean existed) {
        CloneException error = interrupted.failed() ? interrupted.get() : failure.get() != null ? failure.get()
                : MysqlError.ER_INTERNAL_ERROR.exception("clone failed with error " + rc);
        bestEffort("raise the clone's error", () -> {
            if (server.pendingErrorCode(thd) == 0 || error.code() == MysqlError.ER_QUERY_INTERRUPTED.code()) {
                server.raiseError(error.code(), error.getMessage());
            }
        });
        bestEffort("record the clone's failure", () -> board.end(error.code(), error.getMessage()));
        bestEffort("log the clone's failure", () -> LOG.error("Clone from {} failed after {} bytes{}: error {}: {}",
                source.address(), stats.totalBytes(), resumeSummary(), error.code(), error.getMessage(),
                error.getCause()));
        if (!existed && targetPath != null) {
            bestEffort("remove the incomplete clone", () -> IncompleteClone.remove(targetPath));
        }
        return error.code();
    }

    /**
     * ", resumed N time(s) after network failures (S s reconnecting; B bytes of FILE COPY applied
     * again)", or nothing. FILE COPY's estimate is the size of the files it copies, so what it
     * applied beyond it is what the donor sent again and InnoDB applied a second time.
     */
    private String resumeSummary() {
        if (resumes == 0 && reconnectNanos == 0) {
            return "";
        }
        StageProgress fileCopy = board.stage(CloneStage.FILE_COPY);
        String again = fileCopy == null || fileCopy.estimate() <= 0 ? ""
                : String.format("; %d bytes of FILE COPY applied again", Math.max(0,
                        fileCopy.data() - fileCopy.estimate()));
        return String.format(", resumed %d time(s) after network failures (%.1f s reconnecting%s)", resumes,
                reconnectNanos / 1e9, again);
    }

}
