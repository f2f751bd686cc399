package org.jclone.it.harness;

/** Progress lines on stdout (surefire shows them with the test output); no logging setup needed. */
final class HarnessLog {

    private HarnessLog() {
    }

    static void info(String format, Object... args) {
        System.out.println("[jclone-it] " + String.format(format, args));
    }
}
