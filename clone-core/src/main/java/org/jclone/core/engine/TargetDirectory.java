package org.jclone.core.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A clone's target directory in the form InnoDB takes it: a NUL-terminated C
 * string in memory this object owns. InnoDB keeps the address it is given at
 * apply begin and uses it again until the last apply end, so each clone holds
 * its own copy reachable until then; no other clone's statement can free it.
 */
public final class TargetDirectory {
    private final String path;
    private final ByteBuffer bytes;

    private TargetDirectory(String path, ByteBuffer bytes) {
        this.path = path;
        this.bytes = bytes;
    }

    /** A private copy of {@code path}, as the statement named it. */
    public static TargetDirectory of(String path) {
        byte[] encoded = path.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocateDirect(encoded.length + 1);
        bytes.put(encoded).put((byte) 0).flip();
        return new TargetDirectory(path, bytes.asReadOnlyBuffer());
    }

    public String path() {
        return path;
    }

    /** The direct buffer holding the path and its terminating NUL; the natives pass its address. */
    public ByteBuffer nulTerminated() {
        return bytes;
    }

    @Override
    public String toString() {
        return path;
    }
}
