package dev.understudy.provider.http;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Incremental text/event-stream parser: feed it bytes as they arrive, it calls back once per event.
 * Lines may end in \n, \r\n or \r; comments ({@code : ping}) and unknown fields are ignored.
 *
 * <p>Lines are read in place from the buffer's bytes: an event whose data is one line refers to those bytes
 * without a copy (a buffer from Vert.x is the connection's data copied once, and nothing writes to it after).
 */
public final class SseParser {

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

    private final Consumer<SseEvent> sink;
    /** An incomplete line, kept as bytes: a UTF-8 sequence may be split across buffers. */
    private byte[] pending;
    private String event;
    private byte[] data;
    private int dataOffset;
    private int dataLength;
    private boolean lastWasCr;

    public SseParser(Consumer<SseEvent> sink) {
        this.sink = sink;
    }

    public void feed(Buffer buffer) {
        ByteBuf b = buffer.getByteBuf();
        byte[] bytes;
        int from;
        int to;
        if (pending == null && b.hasArray()) {
            bytes = b.array();
            from = b.arrayOffset() + b.readerIndex();
            to = from + b.readableBytes();
        } else {
            int kept = pending == null ? 0 : pending.length;
            bytes = new byte[kept + b.readableBytes()];
            if (kept > 0) {
                System.arraycopy(pending, 0, bytes, 0, kept);
            }
            b.getBytes(b.readerIndex(), bytes, kept, b.readableBytes());
            pending = null;
            from = 0;
            to = bytes.length;
        }
        int start = from;
        for (int i = from; i < to; i++) {
            byte c = bytes[i];
            if (c == '\n' || c == '\r') {
                if (c == '\n' && lastWasCr && i == start) {
                    lastWasCr = false;
                    start = i + 1;
                    continue;
                }
                lastWasCr = c == '\r';
                onLine(bytes, start, i);
                start = i + 1;
            } else {
                lastWasCr = false;
            }
        }
        if (start < to) {
            pending = Arrays.copyOfRange(bytes, start, to);
        }
    }

    /** The body ended: an event without its final blank line still counts. */
    public void finish() {
        if (pending != null) {
            byte[] line = pending;
            pending = null;
            onLine(line, 0, line.length);
        }
        dispatch();
    }

    /** One line: {@code bytes} from {@code start} to {@code end}, without its line ending. */
    private void onLine(byte[] bytes, int start, int end) {
        if (start == end) {
            dispatch();
            return;
        }
        if (bytes[start] == ':') {
            return;
        }
        int colon = start;
        while (colon < end && bytes[colon] != ':') {
            colon++;
        }
        int value = colon < end ? colon + 1 : end;
        if (value < end && bytes[value] == ' ') {
            value++;
        }
        if (Arrays.equals(bytes, start, colon, DATA, 0, DATA.length)) {
            addData(bytes, value, end);
        } else if (Arrays.equals(bytes, start, colon, EVENT, 0, EVENT.length)) {
            event = new String(bytes, value, end - value, StandardCharsets.UTF_8);
        }
    }

    private void addData(byte[] bytes, int start, int end) {
        if (data == null) {
            data = bytes;
            dataOffset = start;
            dataLength = end - start;
            return;
        }
        byte[] joined = new byte[dataLength + 1 + end - start];
        System.arraycopy(data, dataOffset, joined, 0, dataLength);
        joined[dataLength] = '\n';
        System.arraycopy(bytes, start, joined, dataLength + 1, end - start);
        data = joined;
        dataOffset = 0;
        dataLength = joined.length;
    }

    private void dispatch() {
        if (data != null) {
            sink.accept(new SseEvent(event, data, dataOffset, dataLength));
        }
        data = null;
        event = null;
    }
}
