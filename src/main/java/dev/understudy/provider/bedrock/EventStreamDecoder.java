package dev.understudy.provider.bedrock;

import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Incremental decoder of the binary {@code application/vnd.amazon.eventstream} framing that
 * ConverseStream answers in. Feed it bytes as they arrive; it returns the messages completed so far.
 *
 * <pre>
 * | total length u32 | headers length u32 | prelude CRC32 u32 | headers | payload | message CRC32 u32 |
 * header: | name length u8 | name | value type u8 | value |
 * </pre>
 *
 * A message whose CRC does not match is skipped and counted (its length, covered by the prelude CRC, is
 * still trustworthy, so the next message is found). A prelude whose CRC does not match cannot be framed
 * past: the stream is unreadable from there and {@link #feed} fails with {@link Failure#MALFORMED}.
 */
public final class EventStreamDecoder {

    /** One decoded message: its headers (string-valued ones as text, others as their string form) and payload. */
    public record Message(Map<String, String> headers, byte[] payload) {

        public String header(String name) {
            return headers.get(name);
        }

        public String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    static final int PRELUDE = 12;
    static final int OVERHEAD = PRELUDE + 4;
    /** The framing allows 16 MB payloads and 128 KB of headers; anything larger is a framing error. */
    static final int MAX_MESSAGE = 16 * 1024 * 1024 + 128 * 1024 + OVERHEAD;

    private Buffer pending = Buffer.buffer();
    private int offset;
    private long corrupted;
    private boolean broken;

    /**
     * @return the messages completed by these bytes, in order (often none, sometimes several)
     * @throws ProviderException MALFORMED when a prelude is corrupt: nothing after it can be read
     */
    public List<Message> feed(Buffer bytes) {
        if (broken) {
            return List.of();
        }
        pending.appendBuffer(bytes);
        List<Message> out = new ArrayList<>(2);
        while (pending.length() - offset >= PRELUDE) {
            long total = pending.getUnsignedInt(offset);
            long headersLength = pending.getUnsignedInt(offset + 4);
            long preludeCrc = pending.getUnsignedInt(offset + 8);
            if (crc(pending, offset, 8) != preludeCrc || total < OVERHEAD || total > MAX_MESSAGE
                    || headersLength > total - OVERHEAD) {
                broken = true;
                throw new ProviderException(Failure.MALFORMED, "event stream: corrupt message prelude (length "
                        + total + ", headers " + headersLength + ")");
            }
            if (pending.length() - offset < total) {
                break;
            }
            int end = offset + (int) total;
            if (crc(pending, offset, (int) total - 4) != pending.getUnsignedInt(end - 4)) {
                corrupted++;
            } else {
                int payloadStart = offset + PRELUDE + (int) headersLength;
                Map<String, String> headers = headers(pending, offset + PRELUDE, payloadStart);
                if (headers == null) {
                    corrupted++;
                } else {
                    out.add(new Message(headers, pending.getBytes(payloadStart, end - 4)));
                }
            }
            offset = end;
        }
        compact();
        return out;
    }

    /** Messages skipped because their CRC did not match. */
    public long corrupted() {
        return corrupted;
    }

    /** Bytes received that do not yet form a whole message (non-zero when a stream ends mid-message). */
    public int buffered() {
        return pending.length() - offset;
    }

    private void compact() {
        if (offset == pending.length()) {
            pending = Buffer.buffer();
            offset = 0;
        } else if (offset > 64 * 1024) {
            pending = pending.getBuffer(offset, pending.length());
            offset = 0;
        }
    }

    private static long crc(Buffer b, int from, int length) {
        CRC32 crc = new CRC32();
        crc.update(b.getByteBuf().nioBuffer(from, length));
        return crc.getValue();
    }

    /** The headers between {@code at} and {@code end}, or null when they do not parse. */
    private static Map<String, String> headers(Buffer b, int at, int end) {
        try {
            return parseHeaders(b, at, end);
        } catch (RuntimeException e) { // a length running past the headers, an unknown value type
            return null;
        }
    }

    private static Map<String, String> parseHeaders(Buffer b, int at, int end) {
        Map<String, String> headers = new HashMap<>(8);
        while (at < end) {
            int nameLength = b.getUnsignedByte(at++);
            String name = b.getString(at, at + nameLength, "UTF-8");
            at += nameLength;
            int type = b.getUnsignedByte(at++);
            String value;
            switch (type) {
                case 0 -> value = "true";
                case 1 -> value = "false";
                case 2 -> value = Byte.toString(b.getByte(at++));
                case 3 -> {
                    value = Short.toString(b.getShort(at));
                    at += 2;
                }
                case 4 -> {
                    value = Integer.toString(b.getInt(at));
                    at += 4;
                }
                case 5, 8 -> { // int64, timestamp (epoch millis)
                    value = Long.toString(b.getLong(at));
                    at += 8;
                }
                case 6, 7 -> { // byte array, string: u16 length
                    int length = b.getUnsignedShort(at);
                    at += 2;
                    value = type == 7 ? b.getString(at, at + length, "UTF-8")
                            : java.util.HexFormat.of().formatHex(b.getBytes(at, at + length));
                    at += length;
                }
                case 9 -> {
                    value = new java.util.UUID(b.getLong(at), b.getLong(at + 8)).toString();
                    at += 16;
                }
                default -> throw new IllegalArgumentException("unknown header value type " + type);
            }
            if (at > end) {
                throw new IllegalArgumentException("header runs past the headers section");
            }
            headers.put(name, value);
        }
        return headers;
    }
}
