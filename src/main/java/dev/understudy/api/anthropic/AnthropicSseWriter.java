package dev.understudy.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.Annotations;
import dev.understudy.api.SseAnswerWriter;
import dev.understudy.api.SseOutput;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.ToolCall;
import dev.understudy.chat.Usage;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.Route;
import dev.understudy.routing.Target;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Writes a streamed answer as the Anthropic event sequence: {@code message_start}, {@code ping}, then per
 * content block {@code content_block_start} / {@code content_block_delta}* / {@code content_block_stop},
 * then {@code message_delta} (stop reason, usage, the {@code understudy} object) and {@code message_stop}.
 * An incomplete answer ends with an {@code error} event and no {@code message_stop}.
 */
final class AnthropicSseWriter extends SseAnswerWriter {

    private final String id = AnthropicReplies.messageId();
    /** The index of the last content block (-1 before the first), its kind, and whether it was closed. */
    private int block = -1;
    private boolean textBlock;
    private boolean closed = true;

    AnthropicSseWriter(SseOutput out, Route route, Consumer<ChainResult> onFailBeforeStart,
            BiConsumer<ChatResponse, Target> onAnswered) {
        super(out, route, onFailBeforeStart, onAnswered);
    }

    @Override
    protected void opening(Target target) {
        out.write(messageStart(id, target.model()));
        out.write(SseOutput.event("ping", Json.object().put("type", "ping")));
    }

    @Override
    protected void writeContent(ChatChunk chunk, Target target) {
        if (chunk.text() != null && !chunk.text().isEmpty()) {
            if (block < 0 || !textBlock || closed) {
                openBlock(true, null, null);
            }
            ObjectNode delta = Json.object().put("type", "content_block_delta").put("index", block);
            delta.putObject("delta").put("type", "text_delta").put("text", chunk.text());
            out.write(SseOutput.event("content_block_delta", delta));
        }
        if (chunk.toolCalls() != null) {
            for (ChatChunk.ToolCallDelta d : chunk.toolCalls()) {
                if (d.id() != null || block < 0 || textBlock || closed) {
                    openBlock(false, d.id(), d.name());
                }
                if (d.arguments() != null && !d.arguments().isEmpty()) {
                    ObjectNode delta = Json.object().put("type", "content_block_delta").put("index", block);
                    delta.putObject("delta").put("type", "input_json_delta").put("partial_json", d.arguments());
                    out.write(SseOutput.event("content_block_delta", delta));
                }
            }
        }
    }

    @Override
    protected void writeFinish(ChatChunk finish, Target target, Annotations annotations) {
        closeBlock();
        out.write(messageDelta(finish.finishReason(), finish.usage(), annotations));
        out.end(SseOutput.event("message_stop", Json.object().put("type", "message_stop")));
    }

    @Override
    protected Buffer abortEvent(String message, Annotations annotations) {
        ObjectNode event = Json.object().put("type", "error");
        event.putObject("error").put("type", "api_error").put("message", message);
        event.set("understudy", annotations.toJson());
        return SseOutput.event("error", event);
    }

    @Override
    protected String answerId() {
        return id;
    }

    @Override
    protected long createdSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /** A last resort's whole answer as the real event sequence, in one write. */
    static void writeWholeAnswer(HttpServerResponse response, String model, String text, List<ToolCall> calls,
            Usage usage, Annotations a) {
        SseOutput.start(response);
        Buffer all = Buffer.buffer();
        all.appendBuffer(messageStart(AnthropicReplies.messageId(), model));
        int index = 0;
        if (text != null && !text.isEmpty()) {
            all.appendBuffer(blockStart(index, true, null, null));
            for (String piece : text.split("(?<= )")) {
                ObjectNode delta = Json.object().put("type", "content_block_delta").put("index", index);
                delta.putObject("delta").put("type", "text_delta").put("text", piece);
                all.appendBuffer(SseOutput.event("content_block_delta", delta));
            }
            all.appendBuffer(blockStop(index++));
        }
        if (calls != null) {
            for (ToolCall c : calls) {
                all.appendBuffer(blockStart(index, false, c.id(), c.name()));
                ObjectNode delta = Json.object().put("type", "content_block_delta").put("index", index);
                delta.putObject("delta").put("type", "input_json_delta").put("partial_json", c.arguments());
                all.appendBuffer(SseOutput.event("content_block_delta", delta));
                all.appendBuffer(blockStop(index++));
            }
        }
        all.appendBuffer(messageDelta(calls != null && !calls.isEmpty() ? "tool_calls" : "stop", usage, a));
        all.appendBuffer(SseOutput.event("message_stop", Json.object().put("type", "message_stop")));
        response.end(all);
    }

    private void openBlock(boolean text, String toolId, String toolName) {
        closeBlock();
        block++;
        textBlock = text;
        closed = false;
        out.write(blockStart(block, text, toolId, toolName));
    }

    private void closeBlock() {
        if (block >= 0 && !closed) {
            out.write(blockStop(block));
            closed = true;
        }
    }

    private static Buffer messageStart(String id, String model) {
        ObjectNode event = Json.object().put("type", "message_start");
        ObjectNode m = event.putObject("message").put("id", id).put("type", "message").put("role", "assistant")
                .put("model", model);
        m.putArray("content");
        m.putNull("stop_reason");
        m.putNull("stop_sequence");
        m.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        return SseOutput.event("message_start", event);
    }

    private static Buffer blockStart(int index, boolean text, String toolId, String toolName) {
        ObjectNode event = Json.object().put("type", "content_block_start").put("index", index);
        if (text) {
            event.putObject("content_block").put("type", "text").put("text", "");
        } else {
            event.putObject("content_block").put("type", "tool_use").put("id", toolId).put("name", toolName)
                    .putObject("input");
        }
        return SseOutput.event("content_block_start", event);
    }

    private static Buffer blockStop(int index) {
        return SseOutput.event("content_block_stop", Json.object().put("type", "content_block_stop")
                .put("index", index));
    }

    private static Buffer messageDelta(String finishReason, Usage usage, Annotations a) {
        ObjectNode event = Json.object().put("type", "message_delta");
        event.putObject("delta").put("stop_reason", AnthropicReplies.stopReason(finishReason)).putNull(
                "stop_sequence");
        ObjectNode u = event.putObject("usage");
        if (usage != null) {
            u.put("input_tokens", usage.promptTokens());
        }
        u.put("output_tokens", usage == null ? 0 : usage.completionTokens());
        event.set("understudy", a.toJson());
        return SseOutput.event("message_delta", event);
    }
}
