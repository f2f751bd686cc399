package org.jclone.core.config;

/** The clone_* variables as they were when a clone began (bandwidth is re-read live). */
public record CloneConfig(
        int bufferSize,
        boolean blockDdl,
        long ddlTimeoutSeconds,
        boolean autotuneConcurrency,
        int maxConcurrency,
        long maxDataBandwidthMiB,
        long delayAfterDataDropSeconds) {

    public static CloneConfig read(ConfigSource source) {
        return new CloneConfig(
                (int) source.number("clone_buffer_size"),
                source.number("clone_block_ddl") != 0,
                source.number("clone_ddl_timeout"),
                source.number("clone_autotune_concurrency") != 0,
                (int) source.number("clone_max_concurrency"),
                source.number("clone_max_data_bandwidth"),
                source.number("clone_delay_after_data_drop"));
    }
}
