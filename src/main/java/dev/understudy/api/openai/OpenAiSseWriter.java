package dev.understudy.api.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.Annotations;
import dev.understudy.api.SseAnswerWriter;
import dev.understudy.api.SseOutput;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.Ids;
import dev.understudy.chat.ToolCall;
import dev.understudy.chat.Usage;
import dev.understudy.provider.json.Json;
import dev.understudy.provider.openai.OpenAiFormat;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.Route;
import dev.understudy.routing.Target;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Writes a streamed answer as OpenAI {@code chat.completion.chunk} server-sent events. The final chunk
 * carries the {@code understudy} object (the headers were sent before a mid-stream failover could
 * happen); an incomplete answer ends with an in-band error event and no {@code [DONE]}.
 */
final class OpenAiSseWriter extends SseAnswerWriter {

    /**
     * The closing event's text; its Buffer is made per answer. A static Buffer would put a Netty buffer into
     * a native image's heap (this class is initialized at build time), which the image build refuses.
     */
    private static final String DONE = "data: [DONE]\n\n";

    private final boolean includeUsage;
    private final String id = Ids.completionId();
    private final long created = System.currentTimeMillis() / 1000;
    private boolean first = true;

    OpenAiSseWriter(SseOutput out, Route route, boolean includeUsage,
            Consumer<ChainResult> onFailBeforeStart, BiConsumer<ChatResponse, Target> onAnswered) {
        super(out, route, onFailBeforeStart, onAnswered);
        this.includeUsage = includeUsage;
    }

    @Override
    protected void writeContent(ChatChunk chunk, Target target) {
        boolean isFirst = first;
        out.write(g -> OpenAiFormat.writeChunk(g, id, target.model(), created, chunk, isFirst, null));
        first = false;
    }

    @Override
    protected void writeFinish(ChatChunk finish, Target target, Annotations annotations) {
        lastEvents(out::write, id, target.model(), created, first, finish.finishReason(),
                includeUsage ? finish.usage() : null, annotations);
        out.end(SseOutput.raw(DONE));
    }

    private static Buffer chunkEvent(String id, String model, long created, ChatChunk chunk, boolean first) {
        return SseOutput.event(g -> OpenAiFormat.writeChunk(g, id, model, created, chunk, first, null));
    }

    /**
     * The finish chunk (an empty first delta if nothing came before it) with the {@code understudy} object, then
     * the usage chunk when {@code usage} is given: each event's writer handed to {@code events}.
     */
    private static void lastEvents(Consumer<Json.Writer> events, String id, String model, long created,
            boolean first, String finishReason, Usage usage, Annotations annotations) {
        events.accept(g -> OpenAiFormat.writeChunk(g, id, model, created,
                new ChatChunk(first ? "" : null, null, finishReason, null), first, annotations::writeField));
        if (usage != null) {
            events.accept(g -> OpenAiFormat.writeChunk(g, id, model, created, ChatChunk.finish(null, usage), false,
                    null));
        }
    }

    @Override
    protected Buffer abortEvent(String message, Annotations annotations) {
        ObjectNode event = Json.object();
        event.putObject("error").put("message", message).put("type", "server_error").put("code", "stream_interrupted");
        event.set("understudy", annotations.toJson());
        return SseOutput.event(null, event);
    }

    @Override
    protected String answerId() {
        return id;
    }

    @Override
    protected long createdSeconds() {
        return created;
    }

    /**
     * A complete answer from a last resort (static or cached) replayed as a proper stream: the text in
     * word-sized chunks, tool calls in one delta, the finish with the {@code understudy} object, the usage
     * chunk if asked for, then {@code [DONE]} — all in one write.
     */
    static void writeWholeAnswer(HttpServerResponse response, String model, String text, List<ToolCall> calls,
            Usage usage, Annotations a) {
        String id = Ids.completionId();
        long created = System.currentTimeMillis() / 1000;
        SseOutput.start(response);
        Buffer all = Buffer.buffer();
        boolean first = true;
        if (text != null) {
            for (String piece : text.split("(?<= )")) {
                all.appendBuffer(chunkEvent(id, model, created, ChatChunk.text(piece), first));
                first = false;
            }
        }
        boolean tools = calls != null && !calls.isEmpty();
        if (tools) {
            List<ChatChunk.ToolCallDelta> deltas = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                ToolCall c = calls.get(i);
                deltas.add(new ChatChunk.ToolCallDelta(i, c.id(), c.name(), c.arguments()));
            }
            all.appendBuffer(chunkEvent(id, model, created, new ChatChunk(null, deltas, null, null), first));
            first = false;
        }
        lastEvents(w -> all.appendBuffer(SseOutput.event(w)), id, model, created, first,
                tools ? "tool_calls" : "stop", usage, a);
        all.appendString(DONE, "UTF-8");
        response.end(all);
    }
}
