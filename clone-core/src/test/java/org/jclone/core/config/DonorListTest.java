package org.jclone.core.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DonorListTest {
    @Test
    void acceptsHostPortListsAndNull() {
        assertTrue(DonorList.isValid(null));
        assertTrue(DonorList.isValid("db1:3306"));
        assertTrue(DonorList.isValid("db1:3306,10.0.0.7:13306"));
    }

    @Test
    void refusesWhatMysqlRefuses() {
        assertFalse(DonorList.isValid(""));
        assertFalse(DonorList.isValid("db1:3306, db2:3306"));
        assertFalse(DonorList.isValid("db1"));
        assertFalse(DonorList.isValid(":3306"));
        assertFalse(DonorList.isValid("db1:"));
        assertFalse(DonorList.isValid("db1:33a6"));
        assertFalse(DonorList.isValid("db1:3306,"));
    }
}
