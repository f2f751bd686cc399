package org.jclone.core.remote.protocol;

/** The donor's responses (first byte of each message), as MySQL's clone protocol V3 numbers them. */
public enum Response {
    LOCS(1),
    DATA_DESC(2),
    DATA(3),
    PLUGIN(4),
    CONFIG(5),
    COLLATION(6),
    PLUGIN_V2(7),
    CONFIG_V3(8),
    COMPLETE(99),
    ERROR(100);

    private final int code;

    Response(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The response with this code, or null for a code the protocol does not know. */
    public static Response of(int code) {
        for (Response response : values()) {
            if (response.code == code) {
                return response;
            }
        }
        return null;
    }
}
