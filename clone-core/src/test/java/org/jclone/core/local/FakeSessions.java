package org.jclone.core.local;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jclone.core.engine.ServerSessions;

/** Server sessions for a clone in a unit test: the client's is {@link #CLIENT}, workers get 1, 2, 3... */
final class FakeSessions implements ServerSessions {
    static final long CLIENT = 1000;

    private final AtomicLong next = new AtomicLong(1);
    private final Set<Long> open = new HashSet<>();
    private final Map<Long, int[]> pendingCodes = new ConcurrentHashMap<>();
    private final Map<Long, String> pendingMessages = new ConcurrentHashMap<>();
    private final List<String> raised = new ArrayList<>();

    volatile boolean clientKilled;
    volatile boolean backupLockFree = true;
    private int backupLocks;

    FakeSessions() {
        open.add(CLIENT);
    }

    /** Set: the server cannot make sessions for workers (startSession answers 0). */
    volatile boolean sessionsRefused;

    @Override
    public synchronized long startSession() {
        if (sessionsRefused) {
            return 0;
        }
        long thd = next.getAndIncrement();
        open.add(thd);
        return thd;
    }

    @Override
    public synchronized void finishSession(long thd) {
        if (thd == CLIENT || !open.remove(thd)) {
            throw new IllegalStateException("finishing session " + thd + " that is not a worker's open session");
        }
        pendingCodes.remove(thd);
        pendingMessages.remove(thd);
    }

    synchronized boolean isOpen(long thd) {
        return open.contains(thd);
    }

    /** Worker sessions still open. */
    synchronized Set<Long> workerSessions() {
        Set<Long> workers = new HashSet<>(open);
        workers.remove(CLIENT);
        return workers;
    }

    /** As InnoDB's my_error on that session. */
    void raiseOn(long thd, int code, String message) {
        pendingCodes.put(thd, new int[] {code});
        pendingMessages.put(thd, message);
    }

    @Override
    public boolean killed(long thd) {
        return thd == CLIENT && clientKilled;
    }

    @Override
    public synchronized boolean acquireBackupLock(long thd, long timeoutSeconds) {
        if (backupLockFree) {
            backupLocks++;
        }
        return backupLockFree;
    }

    @Override
    public synchronized void releaseBackupLock(long thd) {
        backupLocks--;
    }

    synchronized int backupLocksHeld() {
        return backupLocks;
    }

    @Override
    public synchronized void raiseError(int code, String message) {
        raised.add(code + ": " + message);
    }

    synchronized List<String> raised() {
        return List.copyOf(raised);
    }

    @Override
    public int pendingErrorCode(long thd) {
        int[] code = pendingCodes.get(thd);
        return code == null ? 0 : code[0];
    }

    @Override
    public String pendingErrorMessage(long thd) {
        return pendingMessages.get(thd);
    }

    @Override
    public long threadId(long thd) {
        return thd;
    }
}
