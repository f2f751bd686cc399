package org.jclone.core.engine;

import org.jclone.core.config.ConfigSource;
import org.jclone.core.status.StatusBoard;

/** Everything a clone needs from the server, bundled for the orchestration. */
public record CloneServices(InnoDbClone innodb, ServerSessions server, ConfigSource config, StatusBoard status) {}
