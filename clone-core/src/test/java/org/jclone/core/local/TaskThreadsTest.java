package org.jclone.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class TaskThreadsTest {

    @Test
    void startsWorkersUpToTheLimitAndJoinsThemAll() throws Exception {
        TaskThreads workers = new TaskThreads(Thread::new, "test-worker-");
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        assertEquals(3, workers.add(5, 3, index -> {
            ran.add(Thread.currentThread().getName());
            await(release);
        }));
        assertEquals(3, workers.running(), "the master and two workers");
        release.countDown();
        workers.closeAndJoin();
        assertEquals(List.of("test-worker-1", "test-worker-2"), ran.stream().sorted().toList());
        assertEquals(3, workers.add(1, 8, index -> ran.add("late")), "closed: no worker starts");
        assertEquals(2, ran.size());
    }

    @Test
    void aRefusedWorkerClosesUntilTheNextRound() {
        TaskThreads workers = new TaskThreads(Thread::new, "test-worker-");
        assertEquals(2, workers.add(1, 4, index -> { }));
        assertEquals(1, workers.refused());
        assertEquals(1, workers.add(2, 4, index -> { }), "no worker after a refusal");
        workers.closeAndJoin();
        workers.reopen();
        assertEquals(1, workers.running());
        assertEquals(3, workers.add(2, 4, index -> { }), "a new round starts workers again");
        assertEquals(2, workers.ended());
        workers.closeAndJoin();
    }

    @Test
    void aThreadThatCannotStartEndsTheAdditions() {
        TaskThreads workers = new TaskThreads(task -> {
            throw new OutOfMemoryError("unable to create native thread");
        }, "test-worker-");
        assertEquals(1, workers.add(3, 4, index -> { }));
        workers.closeAndJoin();
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void anInterruptDuringTheJoinIsKeptForTheCaller() throws Exception {
        TaskThreads workers = new TaskThreads(Thread::new, "test-worker-");
        CountDownLatch release = new CountDownLatch(1);
        workers.add(1, 2, index -> await(release));
        Thread.currentThread().interrupt();
        Thread releaser = new Thread(() -> {
            sleep(100);
            release.countDown();
        });
        releaser.start();
        workers.closeAndJoin();
        assertTrue(Thread.interrupted(), "the interrupt is restored");
        releaser.join();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
