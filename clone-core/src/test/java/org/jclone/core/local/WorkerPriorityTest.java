package org.jclone.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jclone.core.io.OsCalls;
import org.junit.jupiter.api.Test;

class WorkerPriorityTest {

    @Test
    void theIncrementIsZeroUnlessAValueFromOneToNineteenIsGiven() {
        assertEquals(0, WorkerPriority.of(null));
        assertEquals(10, WorkerPriority.of("10"));
        assertEquals(19, WorkerPriority.of(" 19 "));
        assertEquals(0, WorkerPriority.of("20"), "beyond the kernel's range");
        assertEquals(0, WorkerPriority.of("-5"), "a raise in priority is not the plugin's to take");
        assertEquals(0, WorkerPriority.of("low"));
    }

    @Test
    void eachWorkerLowersItsOwnThreadBeforeItsTaskRuns() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        OsCalls os = recording(calls, 0);
        TaskThreads workers = new TaskThreads(Thread::new, "test-worker-", new WorkerPriority(7, () -> os));
        workers.add(2, 3, index -> calls.add("task " + index + " on " + Thread.currentThread().getName()));
        workers.closeAndJoin();
        assertEquals(4, calls.size());
        for (int index = 1; index <= 2; index++) {
            String thread = "test-worker-" + index;
            int lowered = calls.indexOf("nice +7 on " + thread);
            int ran = calls.indexOf("task " + index + " on " + thread);
            assertTrue(lowered >= 0 && lowered < ran, "lowered before the task ran: " + calls);
        }
    }

    @Test
    void zeroLeavesThePriorityAloneAndAFailureLetsTheTaskRun() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        TaskThreads unchanged = new TaskThreads(Thread::new, "test-worker-",
                new WorkerPriority(0, () -> recording(calls, 0)));
        unchanged.add(1, 2, index -> calls.add("task"));
        unchanged.closeAndJoin();
        assertEquals(List.of("task"), calls);

        calls.clear();
        TaskThreads refused = new TaskThreads(Thread::new, "test-worker-",
                new WorkerPriority(10, () -> recording(calls, -OsCalls.ENOSYS)));
        refused.add(2, 3, index -> calls.add("task"));
        refused.closeAndJoin();
        assertEquals(2, calls.stream().filter("task"::equals).count(), "both tasks ran: " + calls);
    }

    /** OsCalls that records raiseThreadNice with its thread and answers {@code result}; nothing else is used. */
    private static OsCalls recording(List<String> calls, int result) {
        return (OsCalls) Proxy.newProxyInstance(OsCalls.class.getClassLoader(), new Class<?>[] {OsCalls.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "raiseThreadNice" -> {
                        calls.add("nice +" + args[0] + " on " + Thread.currentThread().getName());
                        yield result;
                    }
                    case "errorText" -> "Function not implemented";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
