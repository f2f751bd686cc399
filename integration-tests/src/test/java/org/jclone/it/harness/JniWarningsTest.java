package org.jclone.it.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How -Xcheck:jni joins the options a test gave, and which lines count as warnings (no server needed). */
class JniWarningsTest {

    @Test
    void hotSpotsCheckJniLinesAreFoundAndNothingElse(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("error.log");
        Files.writeString(log, String.join("\n",
                "2026-12-01T11:11:50.416851Z 0 [Note] [MY-000000] [Server] Plugin clone reported: 'ok'",
                "WARNING in native method: JNI call made without checking exceptions when required to from "
                        + "CallStaticObjectMethodV",
                "Native frames: (J=compiled Java code, j=interpreted, Vv=VM code, C=native code)",
                "WARNING: JNI local refs: 41, exceeds capacity: 40",
                "FATAL ERROR in native method: Bad global or local ref passed to JNI",
                "[Warning] [MY-010068] [Server] CA certificate ca.pem is self signed."));

        List<String> found = JniWarnings.in(log);

        assertEquals(3, found.size(), found.toString());
        assertEquals(log + ": WARNING: JNI local refs: 41, exceeds capacity: 40", found.get(1));
    }

    @Test
    void withoutJavaOptionsALooseOptionIsAdded() {
        List<ServerSpec.Option> options = List.of(new ServerSpec.Option("plugin-load-add", "mysql_clone.so"));

        assertEquals(List.of(new ServerSpec.Option("plugin-load-add", "mysql_clone.so"),
                        new ServerSpec.Option("loose-clone-java-options", "-Xcheck:jni")),
                JniWarnings.withCheckJni(options));
    }

    @Test
    void theTestsOwnJavaOptionsAreExtendedUnderTheirOwnKey() {
        assertEquals(List.of(new ServerSpec.Option("clone_java_options", "-Xcheck:jni -Dx=1")),
                JniWarnings.withCheckJni(List.of(new ServerSpec.Option("clone_java_options", "-Dx=1"))));
        assertEquals(List.of(new ServerSpec.Option("loose-clone-java-options", "-Xcheck:jni -Xmx1q")),
                JniWarnings.withCheckJni(List.of(new ServerSpec.Option("loose-clone-java-options", "-Xmx1q"))));
    }
}
