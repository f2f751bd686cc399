package org.jclone.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code -Djclone.it.checkJni=true}: every server with the plugin runs its JVM with
 * {@code -Xcheck:jni}, which prints what the JNI code does wrong on mysqld's stdout (mysqld
 * sends it to the error log) or stderr; the extension fails the test when any such line appears.
 */
final class JniWarnings {
    private static final String OPTION = "clone-java-options";
    private static final String LOOSE_OPTION = "loose-" + OPTION;
    private static final String CHECK_JNI = "-Xcheck:jni";
    // HotSpot's check_jni output: "WARNING in native method: ...", "WARNING: JNI local refs: ...",
    // "FATAL ERROR in native method: ...".
    private static final Pattern WARNING =
            Pattern.compile("^(WARNING in native method|WARNING: JNI |FATAL ERROR in native method)");

    private JniWarnings() {
    }

    /** The options with -Xcheck:jni added to clone_java_options (loose-: the plugin may load later). */
    static List<ServerSpec.Option> withCheckJni(List<ServerSpec.Option> options) {
        List<ServerSpec.Option> result = new ArrayList<>();
        boolean added = false;
        for (ServerSpec.Option option : options) {
            String key = option.normalizedKey();
            if (!added && (key.equals(OPTION) || key.equals(LOOSE_OPTION))) {
                String value = option.value() == null || option.value().isBlank()
                        ? CHECK_JNI
                        : CHECK_JNI + " " + option.value(); // first: a test may look at its own options last
                result.add(new ServerSpec.Option(option.key(), value));
                added = true;
            } else {
                result.add(option);
            }
        }
        if (!added) {
            result.add(new ServerSpec.Option(LOOSE_OPTION, CHECK_JNI));
        }
        return result;
    }

    /** The JNI warning lines the servers printed, each prefixed with its file (error log or output). */
    static List<String> of(List<MysqlServer> servers) {
        if (!HarnessConfig.checkJni()) {
            return List.of();
        }
        List<String> warnings = new ArrayList<>();
        for (MysqlServer server : servers) {
            for (Path file : server.diagnosticFiles()) {
                if (!file.getFileName().toString().endsWith(".cnf") && Files.exists(file)) {
                    warnings.addAll(in(file));
                }
            }
        }
        return warnings;
    }

    /** The JNI warning lines of one log or output file, each prefixed with the file. */
    static List<String> in(Path file) {
        return read(file).lines().filter(line -> WARNING.matcher(line).find())
                .map(line -> file + ": " + line).toList();
    }

    static void fail(List<String> warnings) {
        if (!warnings.isEmpty()) {
            throw new AssertionError("-Xcheck:jni found " + warnings.size() + " JNI warning(s):\n"
                    + String.join("\n", warnings));
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
