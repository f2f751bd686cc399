package org.jclone.jni;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * Logback's configuration, found through META-INF/services: the core logs only into the server's
 * error log, at INFO and above. In code rather than a logback.xml because parsing XML (loading the
 * java.xml parser) was the largest part of the first INSTALL PLUGIN's time.
 */
public final class LogbackSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        context.getStatusManager().add(new NopStatusListener());
        ServerLogAppender appender = new ServerLogAppender();
        appender.setContext(context);
        appender.setName("SERVER");
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
