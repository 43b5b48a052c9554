package dev.understudy.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.provider.json.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent-event response. Events written in one event-loop turn go out in one flush (an upstream
 * read often holds several events, and a write per event costs a syscall each). Writes after the
 * caller went away are dropped.
 */
public final class SseOutput {

    private final HttpServerResponse response;
    private final Context context;
    private Buffer pending;

    public SseOutput(HttpServerResponse response) {
        this.response = response;
        this.context = Vertx.currentContext();
    }

    public HttpServerResponse response() {
        return response;
    }

    /** Status 200 and the event-stream headers; call before the first event. */
    public static void start(HttpServerResponse response) {
        response.setStatusCode(200)
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
    }

    /** {@code data: {json}} (with {@code event: name} first when a name is given). */
    public static Buffer event(String name, JsonNode json) {
        byte[] body = Json.bytes(json);
        Buffer b = Buffer.buffer(body.length + 32);
        if (name != null) {
            b.appendString("event: " + name + "\n", "UTF-8");
        }
        return b.appendString("data: ", "UTF-8").appendBytes(body).appendString("\n\n", "UTF-8");
    }

    public static Buffer raw(String text) {
        return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
    }

    public synchronized boolean open() {
        return !response.closed() && !response.ended();
    }

    public synchronized void write(Buffer event) {
        if (!open()) {
            return;
        }
        if (pending == null) {
            pending = event.copy();
            if (context != null) {
                context.runOnContext(v -> flush());
            } else {
                flush();
            }
        } else {
            pending.appendBuffer(event);
        }
    }

    public synchronized void end(Buffer last) {
        if (!open()) {
            return;
        }
        Buffer out = last;
        if (pending != null) {
            pending.appendBuffer(last);
            out = pending;
            pending = null;
        }
        response.end(out);
    }

    private synchronized void flush() {
        if (pending != null && open()) {
            response.write(pending);
        }
        pending = null;
    }
}
