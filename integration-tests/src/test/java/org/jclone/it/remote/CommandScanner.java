package org.jclone.it.remote;

import java.util.function.IntPredicate;

/**
 * Reads a recipient's byte stream to its donor (one connection) as MySQL client packets: a
 * 3-byte little-endian payload length, a sequence id, the payload; a packet of 0xFFFFFF bytes
 * continues in the next one. Once the connection has sent COM_CLONE (a command packet, sequence
 * id 0, whose payload begins with 0x20), every later logical packet is a clone command whose
 * first payload byte is its code; each code goes to a predicate that says whether to cut there.
 *
 * <p>Plain text only: a 32-byte packet with sequence id 1 is the client's SSL request, after
 * which the stream is TLS and the scanner stops looking; protocol compression
 * (clone_enable_compression) would hide the codes and must be off.
 */
final class CommandScanner {
    private static final int MAX_PAYLOAD = 0xFFFFFF;
    private static final int COM_CLONE = 0x20;
    private static final int SSL_REQUEST_LENGTH = 32;

    private final IntPredicate cutAt;
    /** Stream offset of the next byte to scan. */
    private long position;
    private final byte[] header = new byte[4];
    private int headerFill;
    private long packetStart;
    private long payloadLeft;
    private boolean needFirstByte;
    private boolean continues;
    private boolean cloneMode;
    private boolean encrypted;
    private int commands;

    CommandScanner(IntPredicate cutAt) {
        this.cutAt = cutAt;
    }

    /**
     * Scans {@code length} more bytes of the stream. Returns the stream offset where the packet
     * of a command to cut begins (the caller forwards only the bytes before it), or -1.
     */
    long scan(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end && !encrypted) {
            if (headerFill < 4) {
                if (headerFill == 0) {
                    packetStart = position + (i - offset);
                }
                header[headerFill++] = bytes[i++];
                if (headerFill == 4) {
                    startPayload();
                }
            } else if (needFirstByte) {
                needFirstByte = false;
                int code = bytes[i] & 0xFF;
                if (cloneMode) {
                    commands++;
                    if (cutAt.test(code)) {
                        position += i - offset;
                        return packetStart;
                    }
                } else if ((header[3] & 0xFF) == 0 && code == COM_CLONE) {
                    cloneMode = true; // the clone commands are the packets after this one
                }
            } else {
                int skip = (int) Math.min(payloadLeft, end - i);
                i += skip;
                payloadLeft -= skip;
                if (payloadLeft == 0) {
                    endPacket();
                }
            }
        }
        position += end - offset;
        return -1;
    }

    private void startPayload() {
        int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
        int sequence = header[3] & 0xFF;
        payloadLeft = length;
        // A packet that continues a 0xFFFFFF one carries no command code of its own.
        needFirstByte = length > 0 && !continues;
        if (!cloneMode && sequence == 1 && length == SSL_REQUEST_LENGTH) {
            encrypted = true;
        }
        if (length == 0) {
            endPacket();
        }
    }

    private void endPacket() {
        continues = payloadLeft == 0 && headerFill == 4 && lengthOfHeader() == MAX_PAYLOAD;
        headerFill = 0;
        needFirstByte = false;
    }

    private int lengthOfHeader() {
        return (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
    }

    /**
     * The stream offset up to which bytes may be forwarded: the start of a packet whose first
     * payload byte has not arrived yet (it may be a command to cut), else all that was scanned.
     */
    long decidedUpTo() {
        if (!encrypted && headerFill > 0 && (headerFill < 4 || needFirstByte)) {
            return packetStart;
        }
        return position;
    }

    boolean encrypted() {
        return encrypted;
    }

    /** Clone commands seen on this connection. */
    int commands() {
        return commands;
    }
}
