package org.jclone.it.harness;

import java.util.Locale;

/** How servers are run: local mysqld processes (default) or Docker containers. */
public enum Backend {
    PROCESS,
    DOCKER;

    static Backend parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "":
            case "process":
                return PROCESS;
            case "docker":
                return DOCKER;
            default:
                throw new IllegalArgumentException(
                        "Unknown " + HarnessConfig.BACKEND + "='" + value + "' (expected process or docker)");
        }
    }
}
