package org.jclone.jni;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;

/**
 * Writes the core's log events into the server's error log through the
 * plugin log function, so the operator reads one log. ERROR and WARN keep
 * their level; everything else is information (shown at log_error_verbosity=3).
 */
public final class ServerLogAppender extends AppenderBase<ILoggingEvent> {
    /** Off once the plugin stops: the natives are gone then. */
    private static volatile boolean connected;

    static void connect() {
        connected = true;
    }

    static void disconnect() {
        connected = false;
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!connected) {
            return;
        }
        String text = event.getFormattedMessage();
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            text = text + " (" + thrown.getClassName() + ": " + thrown.getMessage() + ")";
        }
        ServerNatives.log(level(event.getLevel()), text);
    }

    private static int level(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return ServerNatives.ERROR;
        }
        return level.isGreaterOrEqual(Level.WARN) ? ServerNatives.WARNING : ServerNatives.INFORMATION;
    }
}
