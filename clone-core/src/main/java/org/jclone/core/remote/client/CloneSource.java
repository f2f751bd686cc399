package org.jclone.core.remote.client;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The donor a CLONE INSTANCE statement names, as the server handed it over (bytes, never
 * re-encoded), with the statement's SSL mode: 1 REQUIRE NO SSL, 2 no clause, 3 REQUIRE SSL.
 */
public record CloneSource(byte[] host, int port, byte[] user, byte[] password, int sslMode) {
    /** "host:port" as clone_status.SOURCE and clone_valid_donor_list spell it. */
    public String address() {
        return hostText() + ":" + port;
    }

    public String hostText() {
        return new String(host, StandardCharsets.UTF_8);
    }

    /**
     * The clone_valid_donor_list check: the statement's host (which the server lower-cased)
     * and port must be listed; hosts compare as lower-cased text, with no name resolution.
     */
    public boolean listedIn(String donorList) {
        if (donorList == null || donorList.isEmpty()) {
            return false;
        }
        String wanted = address().toLowerCase(Locale.ROOT);
        for (String entry : donorList.split(",")) {
            if (entry.toLowerCase(Locale.ROOT).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "CloneSource[" + address() + ", ssl mode " + sslMode + "]";
    }
}
