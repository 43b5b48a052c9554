package dev.understudy.provider.http;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental text/event-stream parser: feed it bytes as they arrive, it calls back once per event.
 * Lines may end in \n, \r\n or \r; comments ({@code : ping}) and unknown fields are ignored.
 */
public final class SseParser {

    private final Consumer<SseEvent> sink;
    private final StringBuilder line = new StringBuilder();
    private byte[] pending = new byte[0];
    private String event;
    private StringBuilder data;
    private boolean lastWasCr;

    public SseParser(Consumer<SseEvent> sink) {
        this.sink = sink;
    }

    public void feed(Buffer buffer) {
        byte[] bytes = buffer.getBytes();
        if (pending.length > 0) {
            byte[] joined = new byte[pending.length + bytes.length];
            System.arraycopy(pending, 0, joined, 0, pending.length);
            System.arraycopy(bytes, 0, joined, pending.length, bytes.length);
            bytes = joined;
            pending = new byte[0];
        }
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                if (b == '\n' && lastWasCr && i == start) {
                    lastWasCr = false;
                    start = i + 1;
                    continue;
                }
                line.append(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                lastWasCr = b == '\r';
                onLine(line.toString());
                line.setLength(0);
                start = i + 1;
            } else {
                lastWasCr = false;
            }
        }
        if (start < bytes.length) {
            // keep an incomplete line as bytes: a UTF-8 sequence may be split across buffers
            pending = java.util.Arrays.copyOfRange(bytes, start, bytes.length);
        }
    }

    /** The body ended: an event without its final blank line still counts. */
    public void finish() {
        if (pending.length > 0) {
            onLine(new String(pending, StandardCharsets.UTF_8));
            pending = new byte[0];
        }
        dispatch();
    }

    private void onLine(String l) {
        if (l.isEmpty()) {
            dispatch();
            return;
        }
        if (l.charAt(0) == ':') {
            return;
        }
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if ("data".equals(field)) {
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
        } else if ("event".equals(field)) {
            event = value;
        }
    }

    private void dispatch() {
        if (data != null) {
            sink.accept(new SseEvent(event, data.toString()));
        }
        data = null;
        event = null;
    }
}
