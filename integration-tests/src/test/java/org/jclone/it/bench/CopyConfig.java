package org.jclone.it.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One way of copying the data directory: cp -r, or CLONE LOCAL with given clone variables.
 *
 * @param concurrency clone_max_concurrency (0 for cp)
 */
record CopyConfig(String label, boolean isCp, int concurrency, boolean autotune) {

    static final CopyConfig CP = new CopyConfig("cp -r", true, 0, false);
    /** MySQL's (and this plugin's) defaults: clone_max_concurrency=16, clone_autotune_concurrency=ON. */
    static final CopyConfig CLONE_DEFAULT = new CopyConfig("clone, defaults (16, autotune ON)", false, 16, true);

    static CopyConfig clone(int concurrency, boolean autotune) {
        return new CopyConfig("clone, " + concurrency + (autotune ? ", autotune ON" : ", autotune OFF"), false,
                concurrency, autotune);
    }

    /** cp, the defaults, then each concurrency with autotune OFF and ON. */
    static List<CopyConfig> all(List<Integer> concurrency) {
        List<CopyConfig> configs = new ArrayList<>(List.of(CP, CLONE_DEFAULT));
        for (boolean autotune : new boolean[] {false, true}) {
            for (int c : concurrency) {
                configs.add(clone(c, autotune));
            }
        }
        return configs;
    }
}
