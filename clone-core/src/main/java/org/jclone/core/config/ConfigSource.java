package org.jclone.core.config;

/** Reads the current value of a server system variable. */
public interface ConfigSource {
    long number(String name);

    String text(String name);
}
