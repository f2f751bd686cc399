package org.jclone.core.io;

import java.util.Locale;

/**
 * Whether the mover writes the aligned pieces of a destination InnoDB opened without O_DIRECT
 * through an O_DIRECT channel of its own. On by default; clone_java_options=-Djclone.directWrites=off
 * turns it off (then such pieces go through copy_file_range and the page cache, as before).
 *
 * <p>Why on: a clone's files are not read again until a server starts on them, so caching them
 * only costs. Through the page cache every byte is copied once more into newly allocated cache
 * pages and written back later by the kernel's flusher threads, beside the donor's own writes and
 * fsyncs. Measured on ext4 (docs/clone-local.md): mysqld's CPU for a cold clone fell
 * by more than half, and a clone under the benchmark's OLTP load ran four times faster while the
 * load kept more of its throughput. Not where copy_file_range can share extents (XFS, btrfs).
 */
final class DirectWrites {
    /** The JVM system property (on, off). */
    static final String PROPERTY = "jclone.directWrites";
    static final boolean DEFAULT = true;
    /** Read once, when the first mover of the JVM is made. */
    static final boolean CONFIGURED = of(System.getProperty(PROPERTY));

    private DirectWrites() {}

    /** on or off; any other value or none: the default. */
    static boolean of(String value) {
        if (value != null) {
            switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "on", "true" -> {
                    return true;
                }
                case "off", "false" -> {
                    return false;
                }
                default -> {
                    // the default, as for a missing value
                }
            }
        }
        return DEFAULT;
    }
}
