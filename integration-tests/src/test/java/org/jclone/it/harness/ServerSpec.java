package org.jclone.it.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything a backend needs to create one server; produced by {@link MysqlServer.Builder}.
 *
 * @param group          directory under target/servers/ (the test class)
 * @param options        user options, in order; a null value means a bare {@code key} line
 * @param removedOptions normalized keys of harness defaults to leave out
 * @param dataDir        existing data directory to run on in place, or null
 * @param dataDirSource  directory to copy as the data directory, or null for the template
 * @param initializeOptions options the template copied as the data directory was initialized
 *                       with (empty: the plain template); used only when both directories are null
 * @param pluginSource   built plugin directory to copy when {@code withPlugin}
 * @param launchPrefix   words run before mysqld's command, which they must exec (e.g. {@code unshare
 *                       -m sh -c '... && exec "$0" "$@"'}); process backend only
 */
public record ServerSpec(
        MysqlDistribution distribution,
        String name,
        String group,
        List<Option> options,
        Set<String> removedOptions,
        Path dataDir,
        Path dataDirSource,
        List<Option> initializeOptions,
        boolean withPlugin,
        Path pluginSource,
        Map<String, String> env,
        List<String> launchPrefix,
        boolean supervised,
        Duration startTimeout) {

    /** One my.cnf line. */
    public record Option(String key, String value) {
        public String normalizedKey() {
            return normalize(key);
        }
    }

    /** mysqld treats '-' and '_' in option names alike. */
    public static String normalize(String key) {
        return key.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
