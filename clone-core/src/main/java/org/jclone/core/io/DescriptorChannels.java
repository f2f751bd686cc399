package org.jclone.core.io;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * FileChannels over the server's open descriptors, opened once through
 * /proc/self/fd and reused for every piece of the same file. A channel has its
 * own file offset, so all I/O through it is positional and the server's
 * descriptor offsets are left to the native side.
 */
final class DescriptorChannels implements AutoCloseable {
    private record Key(int fd, boolean direct) {}

    private record Open(String target, FileChannel channel) {}

    private final OpenOption access;
    private final Map<Key, Open> open = new HashMap<>();

    DescriptorChannels(OpenOption access) {
        this.access = access;
    }

    /** The channel for {@code fd}; reopened if the descriptor now names another file. */
    FileChannel channel(int fd, boolean direct) throws IOException {
        Key key = new Key(fd, direct);
        String target = target(fd);
        Open current = open.get(key);
        if (current != null && current.target.equals(target)) {
            return current.channel;
        }
        if (current != null) {
            current.channel.close();
        }
        FileChannel channel = direct
                ? FileChannel.open(procPath(fd), access, ExtendedOpenOption.DIRECT)
                : FileChannel.open(procPath(fd), access);
        open.put(key, new Open(target, channel));
        return channel;
    }

    /** The file a descriptor names, for cache checks and error messages. */
    static String target(int fd) {
        try {
            return Files.readSymbolicLink(procPath(fd)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "descriptor " + fd;
        }
    }

    private static Path procPath(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    @Override
    public void close() {
        for (Open entry : open.values()) {
            try {
                entry.channel.close();
            } catch (IOException ignored) {
                // Only our own reopened description closes; the server's descriptor stays open.
            }
        }
        open.clear();
    }

    static OpenOption read() {
        return StandardOpenOption.READ;
    }

    static OpenOption write() {
        return StandardOpenOption.WRITE;
    }
}
