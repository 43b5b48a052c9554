package dev.understudy.provider.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One server-sent event: its {@code event:} name (null when absent) and its {@code data:} lines joined by \n.
 * The data stays the bytes it arrived as until someone asks for it as text: a JSON reader can take it as it is
 * ({@link #bytes()}, {@link #offset()}, {@link #length()}).
 */
public final class SseEvent {

    private final String event;
    private final byte[] bytes;
    private final int offset;
    private final int length;
    private String data;

    public SseEvent(String event, String data) {
        this.event = event;
        this.data = data;
        this.bytes = data.getBytes(StandardCharsets.UTF_8);
        this.offset = 0;
        this.length = bytes.length;
    }

    /** The data as {@code length} UTF-8 bytes of {@code bytes} from {@code offset}; the array must not change after. */
    SseEvent(String event, byte[] bytes, int offset, int length) {
        this.event = event;
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    public String event() {
        return event;
    }

    public String data() {
        if (data == null) {
            data = new String(bytes, offset, length, StandardCharsets.UTF_8);
        }
        return data;
    }

    /** Whether the data is exactly {@code ascii} (compared as bytes, without decoding the data). */
    public boolean dataIs(byte[] ascii) {
        return Arrays.equals(bytes, offset, offset + length, ascii, 0, ascii.length);
    }

    /** The array holding the data's bytes (read it from {@link #offset()}, {@link #length()} bytes); do not change it. */
    public byte[] bytes() {
        return bytes;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SseEvent e && java.util.Objects.equals(event, e.event) && data().equals(e.data());
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(event, data());
    }

    @Override
    public String toString() {
        return "SseEvent[event=" + event + ", data=" + data() + "]";
    }
}
