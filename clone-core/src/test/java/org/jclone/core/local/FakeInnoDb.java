package org.jclone.core.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jclone.core.engine.CloneCallbacks;
import org.jclone.core.engine.InnoDbClone;
import org.jclone.core.engine.Locator;
import org.jclone.core.engine.TargetDirectory;

/**
 * InnoDB's clone interface as a journal: every begin must be matched by its end
 * on the same session, newest first, and each end's error code is kept. Any
 * call can be scripted to fail or throw. Copies offer {@link #pieces} buffers,
 * each applied through the task's callbacks as InnoDB does.
 */
final class FakeInnoDb implements InnoDbClone {
    /** A scripted call: its result for this session and mode, or a throw. */
    @FunctionalInterface
    interface Step {
        int run(long thd, int mode);
    }

    @FunctionalInterface
    interface Copy {
        int run(long thd, CloneCallbacks callbacks);
    }

    static final int PIECE = 4096;

    private final FakeSessions sessions;
    private final Map<Long, Deque<String>> begun = new HashMap<>();
    private final Map<Long, List<String>> calls = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final List<TargetDirectory> targets = new ArrayList<>();
    private final Map<Long, CloneCallbacks> copying = new ConcurrentHashMap<>();
    private final AtomicInteger nextTask = new AtomicInteger();
    private final CountDownLatch applyErrorSaved = new CountDownLatch(1);

    volatile int pieces = 3;
    volatile boolean applyErrorThrows;
    volatile Step begin = (thd, mode) -> 0;
    volatile Step applyBegin = (thd, mode) -> 0;
    volatile Step applyEnd = (thd, mode) -> 0;
    volatile Step end = (thd, mode) -> 0;
    volatile Copy copy = this::offerPieces;

    FakeInnoDb(FakeSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public long handlerton(long thd) {
        return 7;
    }

    @Override
    public int begin(long hton, long thd, Locator locator, int mode) {
        int rc = begin.run(thd, mode);
        record(thd, "begin" + (mode == MODE_START ? "" : " task"), rc);
        if (rc == 0) {
            opened(thd, "begin");
            locator.address = 1;
            locator.length = 16;
            locator.taskId = mode == MODE_START ? 0 : nextTask.incrementAndGet();
        }
        return rc;
    }

    @Override
    public int applyBegin(long hton, long thd, Locator locator, int mode, TargetDirectory dataDir) {
        int rc = applyBegin.run(thd, mode);
        record(thd, "applyBegin" + (mode == MODE_START ? "" : " task"), rc);
        synchronized (this) {
            targets.add(dataDir);
        }
        if (rc == 0) {
            opened(thd, "applyBegin");
            locator.taskId = mode == MODE_START ? 0 : nextTask.incrementAndGet();
            if (mode == MODE_START) {
                try {
                    // InnoDB creates the target and writes into it.
                    Files.createDirectories(Path.of(dataDir.path()));
                    Files.writeString(Path.of(dataDir.path(), "ibdata1"), "pages");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return rc;
    }

    @Override
    public int copy(long hton, long thd, Locator locator, int task, CloneCallbacks callbacks, int bufferSize) {
        record(thd, "copy", 0);
        copying.put(thd, callbacks);
        try {
            return copy.run(thd, callbacks);
        } finally {
            copying.remove(thd);
        }
    }

    @Override
    public int apply(long hton, long thd, Locator locator, int task, int inError, long callback) {
        if (inError != 0 || callback == 0) {
            // InnoDB only saves the error on the apply side, where every task's waits see it.
            record(thd, "apply error " + inError, 0);
            if (applyErrorThrows) {
                throw new IllegalStateException("apply error broke");
            }
            applyErrorSaved.countDown();
            return 0;
        }
        CloneCallbacks callbacks = copying.get(callback);
        ByteBuffer applied = callbacks.onApplyBuffer(callback);
        return applied == null ? 1815 : 0;
    }

    @Override
    public int ack(long hton, long thd, Locator locator, int task, int inError, long callback) {
        return 0;
    }

    @Override
    public int end(long hton, long thd, Locator locator, int task, int inError) {
        closed(thd, "begin", "end", inError);
        return end.run(thd, inError);
    }

    @Override
    public int applyEnd(long hton, long thd, Locator locator, int task, int inError) {
        closed(thd, "applyBegin", "applyEnd", inError);
        return applyEnd.run(thd, inError);
    }

    /** Waits, as a task inside InnoDB does, until some task saved an error on the apply side. */
    boolean awaitApplyError(long seconds) {
        try {
            return applyErrorSaved.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The default copy: a few server buffers, each applied at once; the callback handle is the session. */
    int offerPieces(long thd, CloneCallbacks callbacks) {
        for (int i = 0; i < pieces; i++) {
            int rc = callbacks.onBufferData(thd, ByteBuffer.allocateDirect(PIECE), false, 0);
            if (rc != 0) {
                return rc;
            }
        }
        return 0;
    }

    private synchronized void record(long thd, String call, int rc) {
        calls.computeIfAbsent(thd, k -> new ArrayList<>()).add(rc == 0 ? call : call + " failed " + rc);
    }

    private synchronized void opened(long thd, String what) {
        if (!sessions.isOpen(thd)) {
            violations.add(what + " on session " + thd + " that is not open");
        }
        begun.computeIfAbsent(thd, k -> new ArrayDeque<>()).push(what);
    }

    private synchronized void closed(long thd, String beginning, String ending, int inError) {
        calls.computeIfAbsent(thd, k -> new ArrayList<>()).add(ending + " " + inError);
        Deque<String> open = begun.get(thd);
        String newest = open == null ? null : open.poll();
        if (!beginning.equals(newest)) {
            violations.add(ending + " on session " + thd + " while the newest begun is " + newest);
        }
    }

    /** What each session called, in order: "begin", "applyBegin task", "copy", "applyEnd 0", "end 1815"... */
    synchronized Map<Long, List<String>> calls() {
        Map<Long, List<String>> copy = new HashMap<>();
        calls.forEach((thd, list) -> copy.put(thd, List.copyOf(list)));
        return copy;
    }

    synchronized List<String> calls(long thd) {
        return List.copyOf(calls.getOrDefault(thd, List.of()));
    }

    /** Ends out of order or without a begin, and begins never ended. */
    synchronized List<String> unpaired() {
        List<String> all = new ArrayList<>(violations);
        begun.forEach((thd, open) -> {
            if (!open.isEmpty()) {
                all.add("session " + thd + " never ended " + open);
            }
        });
        return all;
    }

    synchronized List<TargetDirectory> targets() {
        return List.copyOf(targets);
    }
}
