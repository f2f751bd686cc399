package org.jclone.core.engine;

/**
 * A storage engine's clone locator and the task id it was given. The natives
 * read and replace both fields, so they stay plain and mutable.
 */
public final class Locator {
    public byte[] bytes;
    public int taskId;

    public Locator(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Locator empty() {
        return new Locator(null);
    }
}
