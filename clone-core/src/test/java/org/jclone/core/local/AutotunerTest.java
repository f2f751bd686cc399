package org.jclone.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AutotunerTest {
    private static final long SECOND = Autotuner.INTERVAL_NANOS;

    @Test
    void doublesWhileThroughputRisesThenSettles() {
        Autotuner tuner = new Autotuner(16, 0);
        assertEquals(0, tuner.workersToAdd(1, 50, SECOND / 2), "not before an interval has passed");
        assertEquals(1, tuner.workersToAdd(1, 100, SECOND));
        assertEquals(2, tuner.workersToAdd(2, 300, 2 * SECOND));
        assertEquals(4, tuner.workersToAdd(4, 700, 3 * SECOND));
        assertEquals(0, tuner.workersToAdd(8, 1100, 4 * SECOND), "no gain: settle");
        assertEquals(0, tuner.workersToAdd(8, 9000, 5 * SECOND), "settled for good");
    }

    @Test
    void neverExceedsTheMaximum() {
        Autotuner tuner = new Autotuner(3, 0);
        assertEquals(1, tuner.workersToAdd(1, 100, SECOND));
        assertEquals(1, tuner.workersToAdd(2, 400, 2 * SECOND));
        assertEquals(0, tuner.workersToAdd(3, 900, 3 * SECOND));
    }
}
