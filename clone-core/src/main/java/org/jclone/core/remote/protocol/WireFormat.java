package org.jclone.core.remote.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every message of MySQL's clone protocol V3, encoded and decoded here and nowhere else.
 * The plugin's integers are little-endian; a string is a 4-byte length then its bytes;
 * a locator is the engine type (1 byte), a 4-byte length, then InnoDB's bytes.
 * A command travels as its code byte (sent apart by the server) and a payload; a
 * response is one buffer whose first byte is its code. Encoders return direct buffers
 * positioned at 0, ready for the server's send functions.
 */
public final class WireFormat {
    /** Protocol version V3 (8.0.27 to 8.0.36). */
    public static final int VERSION_V3 = 0x0102;
    /** Protocol version V1: plugins travel as PLUGIN, without their shared object. */
    public static final int VERSION_V1 = 0x0100;
    /** An ERROR message carries at most this many bytes of text, as MySQL's server sends it. */
    public static final int MAX_ERROR_MESSAGE = 511;
    /** The bytes a DATA message has before its payload (the response code). */
    public static final int DATA_HEADER = 1;

    private static final int LOCATOR_HEADER = 1 + 4;

    private WireFormat() {}

    // ---- commands (recipient to donor) ----------------------------------------------

    /** INIT, ATTACH and REINIT payload. */
    public static ByteBuffer encodeInit(InitRequest request) {
        int length = 8;
        for (EngineLocator locator : request.locators()) {
            length += LOCATOR_HEADER + locator.locator().length;
        }
        ByteBuffer out = allocate(length);
        out.putInt(request.version()).putInt(request.ddlTimeoutWord());
        for (EngineLocator locator : request.locators()) {
            putLocator(out, locator);
        }
        return out.flip();
    }

    public static InitRequest decodeInit(ByteBuffer payload) throws ProtocolException {
        ByteBuffer in = littleEndian(payload);
        if (in.remaining() < 8) {
            throw new ProtocolException("Wrong Clone RPC: Init buffer length");
        }
        int version = in.getInt();
        int timeout = in.getInt();
        List<EngineLocator> locators = new ArrayList<>();
        while (in.hasRemaining()) {
            locators.add(getLocator(in, "Wrong Clone RPC: Init buffer length"));
        }
        return new InitRequest(version, timeout, locators);
    }

    /** ACK payload. */
    public static ByteBuffer encodeAck(AckRequest ack) {
        ByteBuffer out = allocate(4 + LOCATOR_HEADER + ack.locator().locator().length + 4 + ack.descriptor().length);
        out.putInt(ack.error());
        putLocator(out, ack.locator());
        out.putInt(ack.descriptor().length).put(ack.descriptor());
        return out.flip();
    }

    public static AckRequest decodeAck(ByteBuffer payload) throws ProtocolException {
        String wrong = "Wrong Clone RPC: Init ACK length";
        ByteBuffer in = littleEndian(payload);
        if (in.remaining() < 4 + LOCATOR_HEADER) {
            throw new ProtocolException(wrong);
        }
        int error = in.getInt();
        EngineLocator locator = getLocator(in, wrong);
        byte[] descriptor = getBytes(in, wrong);
        if (in.hasRemaining()) {
            throw new ProtocolException(wrong);
        }
        return new AckRequest(error, locator, descriptor);
    }

    /** EXECUTE and EXIT carry nothing. */
    public static ByteBuffer emptyPayload() {
        return allocate(0).flip();
    }

    // ---- responses (donor to recipient) -----------------------------------------------

    public static ByteBuffer encodeLocators(int version, List<EngineLocator> locators) {
        int length = 1 + 4;
        for (EngineLocator locator : locators) {
            length += LOCATOR_HEADER + locator.locator().length;
        }
        ByteBuffer out = allocate(length);
        out.put((byte) Response.LOCS.code()).putInt(version);
        for (EngineLocator locator : locators) {
            putLocator(out, locator);
        }
        return out.flip();
    }

    /** DATA_DESC: the descriptor's bytes are {@code descriptor}'s remaining bytes. */
    public static ByteBuffer encodeDescriptor(int engineType, int locatorIndex, ByteBuffer descriptor) {
        ByteBuffer out = allocate(3 + descriptor.remaining());
        out.put((byte) Response.DATA_DESC.code()).put((byte) engineType).put((byte) locatorIndex)
                .put(descriptor.duplicate());
        return out.flip();
    }

    /** Writes DATA's header into the byte before {@code dataStart}, so that data need not move. */
    public static void putDataHeader(ByteBuffer message, int dataStart) {
        message.put(dataStart - DATA_HEADER, (byte) Response.DATA.code());
    }

    public static ByteBuffer encodeData(ByteBuffer data) {
        ByteBuffer out = allocate(DATA_HEADER + data.remaining());
        out.put((byte) Response.DATA.code()).put(data.duplicate());
        return out.flip();
    }

    public static ByteBuffer encodePlugin(String name) {
        return strings(Response.PLUGIN, name);
    }

    public static ByteBuffer encodePluginV2(String name, String sharedObject) {
        return strings(Response.PLUGIN_V2, name, sharedObject);
    }

    public static ByteBuffer encodeConfig(String key, String value) {
        return strings(Response.CONFIG, key, value);
    }

    public static ByteBuffer encodeConfigV3(String key, String value) {
        return strings(Response.CONFIG_V3, key, value);
    }

    public static ByteBuffer encodeCollation(String name) {
        return strings(Response.COLLATION, name);
    }

    public static ByteBuffer encodeComplete() {
        return allocate(1).put((byte) Response.COMPLETE.code()).flip();
    }

    /** ERROR: the number, then the message cut to {@link #MAX_ERROR_MESSAGE} bytes (no length, no NUL). */
    public static ByteBuffer encodeError(int code, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, MAX_ERROR_MESSAGE);
        ByteBuffer out = allocate(1 + 4 + length);
        out.put((byte) Response.ERROR.code()).putInt(code).put(text, 0, length);
        return out.flip();
    }

    /** Any donor response; buffers in the result are views of {@code message}. */
    public static DonorMessage decodeResponse(ByteBuffer message) throws ProtocolException {
        ByteBuffer in = littleEndian(message);
        if (!in.hasRemaining()) {
            throw new ProtocolException("Wrong Clone RPC response: empty packet");
        }
        int code = in.get() & 0xff;
        Response type = Response.of(code);
        if (type == null) {
            throw new ProtocolException("Wrong Clone RPC response: unknown response " + code);
        }
        String wrong = "Wrong Clone RPC response length for " + type;
        DonorMessage decoded = switch (type) {
            case LOCS -> {
                if (in.remaining() < 4) {
                    throw new ProtocolException(wrong);
                }
                int version = in.getInt();
                List<EngineLocator> locators = new ArrayList<>();
                while (in.hasRemaining()) {
                    locators.add(getLocator(in, wrong));
                }
                yield new DonorMessage.Locators(version, locators);
            }
            case DATA_DESC -> {
                if (in.remaining() < 2) {
                    throw new ProtocolException(wrong);
                }
                int engine = in.get() & 0xff;
                int index = in.get() & 0xff;
                ByteBuffer descriptor = in.slice();
                in.position(in.limit());
                yield new DonorMessage.Descriptor(engine, index, descriptor);
            }
            case DATA -> {
                ByteBuffer data = in.slice();
                in.position(in.limit());
                yield new DonorMessage.Data(data);
            }
            case PLUGIN -> new DonorMessage.Plugin(getString(in, wrong), "", false);
            case PLUGIN_V2 -> new DonorMessage.Plugin(getString(in, wrong), getString(in, wrong), true);
            case CONFIG -> new DonorMessage.Config(getString(in, wrong), getString(in, wrong), false);
            case CONFIG_V3 -> new DonorMessage.Config(getString(in, wrong), getString(in, wrong), true);
            case COLLATION -> new DonorMessage.Collation(getString(in, wrong));
            case COMPLETE -> new DonorMessage.Complete();
            case ERROR -> {
                if (in.remaining() < 4) {
                    throw new ProtocolException(wrong);
                }
                int error = in.getInt();
                byte[] text = new byte[in.remaining()];
                in.get(text);
                yield new DonorMessage.Error(error, new String(text, StandardCharsets.UTF_8));
            }
        };
        if (in.hasRemaining()) {
            throw new ProtocolException(wrong);
        }
        return decoded;
    }

    // ---- pieces -----------------------------------------------------------------------

    private static ByteBuffer allocate(int length) {
        return ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer littleEndian(ByteBuffer buffer) {
        return buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void putLocator(ByteBuffer out, EngineLocator locator) {
        out.put((byte) locator.engineType()).putInt(locator.locator().length).put(locator.locator());
    }

    private static EngineLocator getLocator(ByteBuffer in, String wrong) throws ProtocolException {
        if (in.remaining() < LOCATOR_HEADER) {
            throw new ProtocolException(wrong);
        }
        int engine = in.get() & 0xff;
        return new EngineLocator(engine, getBytes(in, wrong));
    }

    private static byte[] getBytes(ByteBuffer in, String wrong) throws ProtocolException {
        if (in.remaining() < 4) {
            throw new ProtocolException(wrong);
        }
        long length = in.getInt() & 0xffffffffL;
        if (length > in.remaining()) {
            throw new ProtocolException(wrong);
        }
        byte[] bytes = new byte[(int) length];
        in.get(bytes);
        return bytes;
    }

    private static String getString(ByteBuffer in, String wrong) throws ProtocolException {
        return new String(getBytes(in, wrong), StandardCharsets.UTF_8);
    }

    private static ByteBuffer strings(Response type, String... values) {
        byte[][] encoded = new byte[values.length][];
        int length = 1;
        for (int i = 0; i < values.length; i++) {
            encoded[i] = values[i].getBytes(StandardCharsets.UTF_8);
            length += 4 + encoded[i].length;
        }
        ByteBuffer out = allocate(length);
        out.put((byte) type.code());
        for (byte[] value : encoded) {
            out.putInt(value.length).put(value);
        }
        return out.flip();
    }
}
