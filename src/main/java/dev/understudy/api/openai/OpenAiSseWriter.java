package dev.understudy.api.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.Annotations;
import dev.understudy.chat.ChatChunk;
import dev.understudy.provider.json.Json;
import dev.understudy.provider.openai.OpenAiFormat;
import dev.understudy.routing.Attempt;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.Route;
import dev.understudy.routing.StreamSink;
import dev.understudy.routing.Target;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.ChunkAccumulator;

/**
 * Writes a streamed answer as OpenAI {@code chat.completion.chunk} server-sent events. The final chunk
 * carries the {@code understudy} object (the headers were sent before a mid-stream failover could
 * happen); an incomplete answer ends with an in-band error event and no {@code [DONE]}.
 */
final class OpenAiSseWriter implements StreamSink {

    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final HttpServerResponse response;
    private final Context context;
    /** Events written in one event-loop turn go out in one flush (an upstream read often holds several). */
    private Buffer pending;
    private final Route route;
    private final boolean includeUsage;
    private final Consumer<ChainResult> onFailBeforeStart;
    private final BiConsumer<ChatResponse, Target> onAnswered;
    /** The whole answer as it streams by, for the emergency cache. */
    private final ChunkAccumulator answer = new ChunkAccumulator();
    private final String id = dev.understudy.chat.Ids.completionId();
    private final long created = System.currentTimeMillis() / 1000;
    private boolean first = true;

    OpenAiSseWriter(HttpServerResponse response, Route route, boolean includeUsage,
            Consumer<ChainResult> onFailBeforeStart, BiConsumer<ChatResponse, Target> onAnswered) {
        this.onAnswered = onAnswered;
        this.response = response;
        this.context = Vertx.currentContext();
        this.route = route;
        this.includeUsage = includeUsage;
        this.onFailBeforeStart = onFailBeforeStart;
    }

    @Override
    public void start(Target target, boolean fallback, int tried) {
        if (response.closed()) {
            return;
        }
        Annotations a = Annotations.fromProvider(route.name(), target, fallback, List.of());
        a.writeHeaders(response.headers());
        response.headers().set("x-understudy-attempts", Integer.toString(tried)); // so far; the final chunk has all
        startSse(response);
    }

    @Override
    public void content(ChatChunk chunk, Target target) {
        answer.add(chunk);
        write(OpenAiFormat.writeChunk(id, target.model(), created, chunk, first));
        first = false;
    }

    @Override
    public void finish(ChatChunk finish, Target target, boolean fallback, List<Attempt> attempts) {
        route.meters().request("provider", "ok");
        target.meters().tokens(finish.usage());
        ObjectNode last = OpenAiFormat.writeChunk(id, target.model(), created,
                new ChatChunk(first ? "" : null, null, finish.finishReason(), null), first);
        last.set("understudy", Annotations.fromProvider(route.name(), target, fallback, attempts).toJson());
        write(last);
        if (includeUsage && finish.usage() != null) {
            write(OpenAiFormat.writeChunk(id, target.model(), created, ChatChunk.finish(null, finish.usage()),
                    false));
        }
        end(DONE);
        answer.add(finish);
        onAnswered.accept(answer.toResponse(id, target.model(), created), target);
    }

    @Override
    public void failBeforeStart(ChainResult result) {
        onFailBeforeStart.accept(result);
    }

    @Override
    public void abort(String message, List<Attempt> attempts) {
        route.meters().request("provider", "aborted");
        ObjectNode event = Json.object();
        event.putObject("error").put("message", "The answer is incomplete: " + message)
                .put("type", "server_error").put("code", "stream_interrupted");
        event.set("understudy", Annotations.none(route.name(), attempts).toJson());
        end(Buffer.buffer("data: " + event + "\n\n"));
    }

    /**
     * A complete answer from a last resort (static or cached) replayed as a proper stream: the text in
     * word-sized chunks, tool calls in one delta, the finish with the {@code understudy} object, the usage
     * chunk if asked for, then {@code [DONE]} — all in one write.
     */
    static void writeWholeAnswer(HttpServerResponse response, String model, String text,
            List<dev.understudy.chat.ToolCall> calls, dev.understudy.chat.Usage usage, Annotations a) {
        String id = dev.understudy.chat.Ids.completionId();
        long created = System.currentTimeMillis() / 1000;
        startSse(response);
        Buffer out = Buffer.buffer();
        boolean first = true;
        if (text != null) {
            for (String piece : text.split("(?<= )")) {
                out.appendBuffer(event(OpenAiFormat.writeChunk(id, model, created, ChatChunk.text(piece), first)));
                first = false;
            }
        }
        boolean tools = calls != null && !calls.isEmpty();
        if (tools) {
            List<ChatChunk.ToolCallDelta> deltas = new java.util.ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                var c = calls.get(i);
                deltas.add(new ChatChunk.ToolCallDelta(i, c.id(), c.name(), c.arguments()));
            }
            out.appendBuffer(event(OpenAiFormat.writeChunk(id, model, created, new ChatChunk(null, deltas, null,
                    null), first)));
            first = false;
        }
        ObjectNode last = OpenAiFormat.writeChunk(id, model, created, new ChatChunk(first ? "" : null, null,
                tools ? "tool_calls" : "stop", null), first);
        last.set("understudy", a.toJson());
        out.appendBuffer(event(last));
        if (usage != null) {
            out.appendBuffer(event(OpenAiFormat.writeChunk(id, model, created, ChatChunk.finish(null, usage), false)));
        }
        out.appendBuffer(DONE);
        response.end(out);
    }

    private static void startSse(HttpServerResponse response) {
        response.setStatusCode(200)
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
    }

    private synchronized void write(ObjectNode json) {
        if (response.closed() || response.ended()) {
            return;
        }
        if (pending == null) {
            pending = event(json);
            if (context != null) {
                context.runOnContext(v -> flush());
            } else {
                flush();
            }
        } else {
            pending.appendBuffer(event(json));
        }
    }

    private synchronized void flush() {
        if (pending != null && !response.closed() && !response.ended()) {
            response.write(pending);
        }
        pending = null;
    }

    private synchronized void end(Buffer last) {
        if (response.closed() || response.ended()) {
            return;
        }
        if (pending != null) {
            pending.appendBuffer(last);
            last = pending;
            pending = null;
        }
        response.end(last);
    }

    private static Buffer event(ObjectNode json) {
        byte[] body = Json.bytes(json);
        Buffer b = Buffer.buffer(body.length + 8);
        b.appendString("data: ", "UTF-8").appendBytes(body).appendString("\n\n", "UTF-8");
        return b;
    }

}
