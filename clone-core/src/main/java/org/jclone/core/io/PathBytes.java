package org.jclone.core.io;

import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A path as the server gave it, as bytes, turned into a {@link Path} without changing a byte.
 * {@code Path.of(String)} encodes with {@code sun.jnu.encoding}, which mysqld's locale decides:
 * under C/POSIX it is ASCII and every other character would become '?'. Then the path is built
 * from the bytes themselves (the JDK's Unix path, reached through
 * {@code --add-opens=java.base/sun.nio.fs=ALL-UNNAMED}, which the plugin gives its JVM).
 */
public final class PathBytes {
    private PathBytes() {}

    /** The text of the path: the server hands over UTF-8; anything else is refused. */
    public static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the clone directory is not valid UTF-8", e);
        }
    }

    /** The path naming exactly these bytes. */
    public static Path of(byte[] bytes) {
        String text = text(bytes);
        if (Arrays.equals(text.getBytes(fileNameEncoding()), bytes)) {
            return Path.of(text);
        }
        return fromBytes(bytes);
    }

    /** The JDK's own Unix path over the bytes, whatever the file name encoding. */
    static Path fromBytes(byte[] bytes) {
        try {
            Class<?> fileSystem = Class.forName("sun.nio.fs.UnixFileSystem");
            Constructor<?> unixPath =
                    Class.forName("sun.nio.fs.UnixPath").getDeclaredConstructor(fileSystem, byte[].class);
            unixPath.setAccessible(true);
            return (Path) unixPath.newInstance(FileSystems.getDefault(), bytes.clone());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("the JVM's file name encoding " + fileNameEncoding()
                    + " (from mysqld's locale) cannot name the clone directory, and the JDK's Unix path "
                    + "is out of reach (" + e + "); start mysqld with a UTF-8 locale such as LANG=C.UTF-8", e);
        }
    }

    static Charset fileNameEncoding() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
