package dev.understudy.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.provider.json.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * A server-sent-event response. Events written in one event-loop turn go out in one flush (an upstream
 * read often holds several events, and a write per event costs a syscall each). Writes after the
 * caller went away are dropped. A caller that stops reading (its connection's write queue stays full
 * for the write-stall timeout) is dropped: the connection is closed, which cancels the upstream request.
 */
public final class SseOutput {

    private static final Logger LOG = Logger.getLogger(SseOutput.class);

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Context context;
    private final long stallMillis;
    private Buffer pending;
    private long stallTimer = -1;

    /** {@code stallMillis}: how long events may wait unread before the caller is dropped; 0 never. */
    public SseOutput(HttpServerRequest request, long stallMillis) {
        this.request = request;
        this.response = request.response();
        this.context = Vertx.currentContext();
        this.stallMillis = stallMillis;
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
        Buffer b = Buffer.buffer(256);
        if (name != null) {
            b.appendString("event: " + name + "\n", "UTF-8");
        }
        return Json.appendTo(b.appendBytes(DATA), json).appendBytes(END);
    }

    /** A {@code data:} event whose JSON {@code writer} writes straight into the buffer. */
    public static Buffer event(Json.Writer writer) {
        return Json.appendTo(Buffer.buffer(256).appendBytes(DATA), writer).appendBytes(END);
    }

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.UTF_8);

    public static Buffer raw(String text) {
        return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
    }

    public synchronized boolean open() {
        return !response.closed() && !response.ended();
    }

    /** Queues {@code event} for this turn's flush; the buffer is the output's from then on (it may be appended to). */
    public synchronized void write(Buffer event) {
        if (!open()) {
            return;
        }
        if (pending == null) {
            pending = event;
            flushLater();
        } else {
            pending.appendBuffer(event);
        }
    }

    /** Queues a {@code data:} event whose JSON {@code writer} writes straight into what this turn's flush sends. */
    public synchronized void write(Json.Writer writer) {
        if (!open()) {
            return;
        }
        boolean first = pending == null;
        if (first) {
            pending = Buffer.buffer(1024);
        }
        Json.appendTo(pending.appendBytes(DATA), writer).appendBytes(END);
        if (first) {
            flushLater();
        }
    }

    private void flushLater() {
        if (context != null) {
            context.runOnContext(v -> flush());
        } else {
            flush();
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
            watchStall();
        }
        pending = null;
    }

    /** Arms the stall timer when the caller's connection cannot take more; a drain disarms it. */
    private void watchStall() {
        if (stallTimer != -1 || stallMillis <= 0 || context == null || !response.writeQueueFull()) {
            return;
        }
        Vertx vertx = context.owner();
        stallTimer = vertx.setTimer(stallMillis, id -> dropIfStillStalled());
        response.drainHandler(v -> {
            synchronized (this) {
                if (stallTimer != -1) {
                    vertx.cancelTimer(stallTimer);
                    stallTimer = -1;
                }
            }
        });
    }

    private synchronized void dropIfStillStalled() {
        stallTimer = -1;
        if (open() && response.writeQueueFull()) {
            LOG.infof("a streaming caller read nothing for %d ms: dropping its connection and the upstream request",
                    stallMillis);
            pending = null;
            abort();
        }
    }

    /**
     * Closes the caller's connection at once, discarding what it left unread: Vert.x's own close first waits
     * for those bytes to be flushed, which a caller that reads nothing never lets happen, so the close starts
     * at the head of the Netty pipeline. The close handler then cancels the upstream request.
     */
    private void abort() {
        if (request.version() != HttpVersion.HTTP_2 && request.connection() instanceof ConnectionBase c) {
            c.channel().pipeline().firstContext().close();
        } else {
            response.reset(); // HTTP/2: this stream only
        }
    }
}
