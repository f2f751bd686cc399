package org.jclone.core.engine;

/**
 * A storage engine's clone locator and the task id it was given. The locator
 * is InnoDB's own memory, updated in place as the clone changes state, so only
 * its address travels: every task must see the live one. The natives read and
 * replace the fields, so they stay plain and mutable.
 */
public final class Locator {
    public long address;
    public int length;
    public int taskId;

    public static Locator empty() {
        return new Locator();
    }

    /** The same locator, for a call that hands back a locator of its own. */
    public Locator copy() {
        Locator copy = new Locator();
        copy.address = address;
        copy.length = length;
        return copy;
    }
}
