package org.jclone.core.remote.protocol;

import java.util.List;

/**
 * INIT, ATTACH and REINIT share one payload: the protocol version, the recipient's DDL
 * timeout (bit 31 set: the donor takes no backup lock) and one locator per engine.
 */
public record InitRequest(int version, int ddlTimeoutWord, List<EngineLocator> locators) {
    /** Bit 31 of the timeout word: the recipient's clone_block_ddl is OFF. */
    public static final int NO_BACKUP_LOCK = 0x80000000;

    public InitRequest {
        locators = List.copyOf(locators);
    }

    /** The word the recipient sends for its clone_ddl_timeout and clone_block_ddl. */
    public static int ddlTimeoutWord(long timeoutSeconds, boolean blockDdl) {
        int word = (int) timeoutSeconds;
        return blockDdl ? word : word | NO_BACKUP_LOCK;
    }

    /** True if the donor takes the backup lock (the recipient's clone_block_ddl is ON). */
    public boolean backupLock() {
        return (ddlTimeoutWord & NO_BACKUP_LOCK) == 0;
    }

    public long ddlTimeoutSeconds() {
        return ddlTimeoutWord & 0x7fffffffL;
    }
}
