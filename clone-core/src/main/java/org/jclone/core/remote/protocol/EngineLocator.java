package org.jclone.core.remote.protocol;

import java.util.Arrays;

/**
 * One storage engine's locator on the wire: its legacy engine type (InnoDB is 12) and
 * InnoDB's opaque locator bytes, which the plugin never parses.
 */
public record EngineLocator(int engineType, byte[] locator) {
    public static final int INNODB = 12;

    @Override
    public boolean equals(Object other) {
        return other instanceof EngineLocator that && engineType == that.engineType
                && Arrays.equals(locator, that.locator);
    }

    @Override
    public int hashCode() {
        return 31 * engineType + Arrays.hashCode(locator);
    }

    @Override
    public String toString() {
        return "EngineLocator[engine " + engineType + ", " + locator.length + " bytes]";
    }
}
