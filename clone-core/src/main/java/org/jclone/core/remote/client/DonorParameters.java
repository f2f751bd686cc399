package org.jclone.core.remote.client;

import java.util.ArrayList;
import java.util.List;
import org.jclone.core.remote.protocol.DonorMessage;

/** What the donor sent after INIT for the recipient to check: plugins, collations, configurations. */
final class DonorParameters {
    /** A plugin and its shared object ("" for a built-in). */
    record Plugin(String name, String sharedObject) {}

    final List<Plugin> plugins = new ArrayList<>();
    final List<String> collations = new ArrayList<>();
    final List<String> configKeys = new ArrayList<>();
    final List<String> configValues = new ArrayList<>();
    /** clone_donor_timeout_after_network_failure, in minutes; 5 when the donor did not send it. */
    long donorTimeoutMinutes = 5;

    void add(DonorMessage message) {
        if (message instanceof DonorMessage.Plugin plugin) {
            plugins.add(new Plugin(plugin.name(), plugin.sharedObject()));
        } else if (message instanceof DonorMessage.Collation collation) {
            collations.add(collation.name());
        } else if (message instanceof DonorMessage.Config config) {
            if (config.v3()) {
                if (config.key().equals("clone_donor_timeout_after_network_failure")) {
                    try {
                        donorTimeoutMinutes = Long.parseLong(config.value().trim());
                    } catch (NumberFormatException ignored) {
                        // Keep the default, as MySQL's recipient does.
                    }
                }
            } else {
                configKeys.add(config.key());
                configValues.add(config.value());
            }
        }
    }
}
