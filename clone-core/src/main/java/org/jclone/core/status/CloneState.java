package org.jclone.core.status;

/** The state of a clone or of one of its stages, with MySQL's labels and file codes. */
public enum CloneState {
    NOT_STARTED("Not Started"),
    IN_PROGRESS("In Progress"),
    COMPLETED("Completed"),
    FAILED("Failed");

    private final String label;

    CloneState(String label) {
        this.label = label;
    }

    /** What performance_schema shows. */
    public String label() {
        return label;
    }

    /** The number MySQL's plugin writes for this state in its status files. */
    public int code() {
        return ordinal();
    }

    public static CloneState ofCode(long code) {
        return code >= 0 && code < values().length ? values()[(int) code] : NOT_STARTED;
    }
}
