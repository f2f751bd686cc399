package org.jclone.core.remote.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact bytes of every message of MySQL's clone protocol V3 (little-endian integers). */
class WireFormatTest {
    private static final EngineLocator LOC = new EngineLocator(12, new byte[] {(byte) 0xa1, (byte) 0xb2, (byte) 0xc3});

    private static String hex(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static ByteBuffer bytes(String hex) {
        byte[] raw = HexFormat.of().parseHex(hex.replace(" ", ""));
        return ByteBuffer.allocateDirect(raw.length).put(raw).flip();
    }

    @Test
    void initCarriesVersionTimeoutAndLocators() throws Exception {
        InitRequest init = new InitRequest(WireFormat.VERSION_V3, InitRequest.ddlTimeoutWord(300, true), List.of(LOC));
        assertEquals("02010000" + "2c010000" + "0c" + "03000000" + "a1b2c3", hex(WireFormat.encodeInit(init)));
        assertEquals(init, WireFormat.decodeInit(WireFormat.encodeInit(init)));
        assertTrue(init.backupLock());
        assertEquals(300, init.ddlTimeoutSeconds());
    }

    @Test
    void initWithoutBackupLockSetsBit31() throws Exception {
        InitRequest init = new InitRequest(WireFormat.VERSION_V3, InitRequest.ddlTimeoutWord(300, false), List.of());
        assertEquals("02010000" + "2c010080", hex(WireFormat.encodeInit(init)));
        InitRequest decoded = WireFormat.decodeInit(WireFormat.encodeInit(init));
        assertFalse(decoded.backupLock());
        assertEquals(300, decoded.ddlTimeoutSeconds());
    }

    @Test
    void initTooShortOrTruncatedIsAProtocolError() {
        assertThrows(ProtocolException.class, () -> WireFormat.decodeInit(bytes("0201 0000 2c01")));
        assertThrows(ProtocolException.class, () -> WireFormat.decodeInit(bytes("02010000 2c010000 0c 05000000 a1b2")));
        assertThrows(ProtocolException.class, () -> WireFormat.decodeInit(bytes("02010000 2c010000 0c 0300")));
        assertThrows(ProtocolException.class, () -> WireFormat.decodeInit(bytes("02010000 2c010000 0c ffffffff a1")));
    }

    @Test
    void ackCarriesErrorLocatorAndDescriptor() throws Exception {
        AckRequest ack = new AckRequest(0, LOC, new byte[] {1, 2});
        assertEquals("00000000" + "0c03000000a1b2c3" + "02000000" + "0102", hex(WireFormat.encodeAck(ack)));
        assertEquals(ack, WireFormat.decodeAck(WireFormat.encodeAck(ack)));
        AckRequest failure = new AckRequest(1317, LOC, new byte[0]);
        assertEquals("25050000" + "0c03000000a1b2c3" + "00000000", hex(WireFormat.encodeAck(failure)));
        assertEquals(failure, WireFormat.decodeAck(WireFormat.encodeAck(failure)));
    }

    @Test
    void ackWithTrailingOrMissingBytesIsAProtocolError() {
        assertThrows(ProtocolException.class,
                () -> WireFormat.decodeAck(bytes("00000000 0c03000000a1b2c3 01000000 01 ff")));
        assertThrows(ProtocolException.class,
                () -> WireFormat.decodeAck(bytes("00000000 0c03000000a1b2c3 05000000 01")));
        assertThrows(ProtocolException.class, () -> WireFormat.decodeAck(bytes("00000000 0c")));
    }

    @Test
    void executeAndExitAreEmpty() {
        assertEquals(0, WireFormat.emptyPayload().remaining());
        assertEquals(4, Command.EXECUTE.code());
        assertEquals(6, Command.EXIT.code());
        assertEquals(Command.ACK, Command.of(5));
        assertEquals(null, Command.of(7));
    }

    @Test
    void commandCodes() {
        assertEquals(List.of(1, 2, 3, 4, 5, 6),
                List.of(Command.values()).stream().map(Command::code).toList());
    }

    @Test
    void responseCodes() {
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 99, 100),
                List.of(Response.values()).stream().map(Response::code).toList());
    }

    @Test
    void locatorsCarryVersionAndLocators() throws Exception {
        ByteBuffer encoded = WireFormat.encodeLocators(WireFormat.VERSION_V3, List.of(LOC));
        assertEquals("01" + "02010000" + "0c03000000a1b2c3", hex(encoded));
        DonorMessage.Locators decoded = (DonorMessage.Locators) WireFormat.decodeResponse(encoded);
        assertEquals(WireFormat.VERSION_V3, decoded.version());
        assertEquals(List.of(LOC), decoded.locators());
    }

    @Test
    void descriptorCarriesEngineIndexAndBytes() throws Exception {
        ByteBuffer encoded = WireFormat.encodeDescriptor(12, 0, bytes("deadbeef"));
        assertEquals("02" + "0c" + "00" + "deadbeef", hex(encoded));
        DonorMessage.Descriptor decoded = (DonorMessage.Descriptor) WireFormat.decodeResponse(encoded);
        assertEquals(12, decoded.engineType());
        assertEquals(0, decoded.locatorIndex());
        assertEquals("deadbeef", hex(decoded.descriptor()));
        assertThrows(ProtocolException.class, () -> WireFormat.decodeResponse(bytes("02 0c")));
    }

    @Test
    void dataIsTheCodeThenRawBytes() throws Exception {
        ByteBuffer encoded = WireFormat.encodeData(bytes("00ff10"));
        assertEquals("03" + "00ff10", hex(encoded));
        assertEquals("00ff10", hex(((DonorMessage.Data) WireFormat.decodeResponse(encoded)).data()));
        ByteBuffer inPlace = bytes("00 aabb");
        WireFormat.putDataHeader(inPlace, 1);
        assertEquals("03aabb", hex(inPlace));
    }

    @Test
    void pluginsConfigsAndCollationsAreLengthPrefixedStrings() throws Exception {
        assertEquals("04" + "05000000" + "636c6f6e65", hex(WireFormat.encodePlugin("clone")));
        assertEquals("07" + "05000000" + "636c6f6e65" + "0e000000" + "6d7973716c5f636c6f6e652e736f",
                hex(WireFormat.encodePluginV2("clone", "mysql_clone.so")));
        assertEquals("07" + "06000000" + "496e6e6f4442" + "00000000", hex(WireFormat.encodePluginV2("InnoDB", "")));
        assertEquals("05" + "07000000" + "76657273696f6e" + "06000000" + "382e302e3331",
                hex(WireFormat.encodeConfig("version", "8.0.31")));
        assertEquals("08" + "01000000" + "6b" + "01000000" + "35", hex(WireFormat.encodeConfigV3("k", "5")));
        assertEquals("06" + "07000000" + "757466385f6269", hex(WireFormat.encodeCollation("utf8_bi")));

        assertEquals(new DonorMessage.Plugin("clone", "", false),
                WireFormat.decodeResponse(WireFormat.encodePlugin("clone")));
        assertEquals(new DonorMessage.Plugin("clone", "mysql_clone.so", true),
                WireFormat.decodeResponse(WireFormat.encodePluginV2("clone", "mysql_clone.so")));
        assertEquals(new DonorMessage.Config("version", "8.0.31", false),
                WireFormat.decodeResponse(WireFormat.encodeConfig("version", "8.0.31")));
        assertEquals(new DonorMessage.Config("k", "5", true),
                WireFormat.decodeResponse(WireFormat.encodeConfigV3("k", "5")));
        assertEquals(new DonorMessage.Collation("utf8_bi"),
                WireFormat.decodeResponse(WireFormat.encodeCollation("utf8_bi")));
        assertThrows(ProtocolException.class, () -> WireFormat.decodeResponse(bytes("06 09000000 75")));
        assertThrows(ProtocolException.class, () -> WireFormat.decodeResponse(bytes("05 01000000 6b")));
    }

    @Test
    void completeIsOneByte() throws Exception {
        assertEquals("63", hex(WireFormat.encodeComplete()));
        assertEquals(new DonorMessage.Complete(), WireFormat.decodeResponse(WireFormat.encodeComplete()));
        assertThrows(ProtocolException.class, () -> WireFormat.decodeResponse(bytes("63 00")));
    }

    @Test
    void errorIsNumberThenMessageCutTo511Bytes() throws Exception {
        assertEquals("64" + "25050000" + "4f6f7073", hex(WireFormat.encodeError(1317, "Oops")));
        assertEquals(new DonorMessage.Error(1317, "Oops"), WireFormat.decodeResponse(WireFormat.encodeError(1317, "Oops")));
        assertEquals(1 + 4 + 511, WireFormat.encodeError(1, "x".repeat(600)).remaining());
    }

    @Test
    void unknownOrEmptyResponseIsAProtocolError() {
        assertThrows(ProtocolException.class, () -> WireFormat.decodeResponse(bytes("09")));
        assertThrows(ProtocolException.class, () -> WireFormat.decodeResponse(bytes("")));
        assertThrows(ProtocolException.class, () -> WireFormat.decodeResponse(bytes("01 0201")));
    }
}
