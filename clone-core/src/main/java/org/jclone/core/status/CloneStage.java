package org.jclone.core.status;

/** The stages of performance_schema.clone_progress, one row each, in MySQL's order. */
public enum CloneStage {
    DROP_DATA("DROP DATA"),
    FILE_COPY("FILE COPY"),
    PAGE_COPY("PAGE COPY"),
    REDO_COPY("REDO COPY"),
    FILE_SYNC("FILE SYNC"),
    RESTART("RESTART"),
    RECOVERY("RECOVERY");

    public static final int COUNT = values().length;

    private final String label;

    CloneStage(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The stage after this one, or null after RECOVERY. */
    public CloneStage next() {
        return ordinal() + 1 < COUNT ? values()[ordinal() + 1] : null;
    }
}
