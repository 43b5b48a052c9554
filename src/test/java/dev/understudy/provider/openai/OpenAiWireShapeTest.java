package dev.understudy.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.Annotations;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.ToolCall;
import dev.understudy.chat.Usage;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.Attempt;
import dev.understudy.routing.Target;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Answers, stream chunks and the {@code understudy} object are written straight to the response buffer; the
 * bytes on the wire are those the previous release sent from trees ({@link Reference}: its code, kept as the
 * oracle, so it must not call what it checks).
 */
class OpenAiWireShapeTest {

    private static final List<ChatResponse> RESPONSES = List.of(
            new ChatResponse("chatcmpl-1", "gpt-4o", 1700000000L, "Hello \"there\" ☃", null, "stop",
                    new Usage(9, 12), null),
            new ChatResponse("chatcmpl-2", "m", 1L, null, List.of(new ToolCall("call_1", "lookup", "{\"q\":1}"),
                    new ToolCall("call_2", "other", null)), "tool_calls", null, null),
            new ChatResponse("chatcmpl-3", null, 0L, "", List.of(), null, new Usage(0, 0), "I can't help with that."));

    private static final List<Annotations> ANNOTATIONS = List.of(
            Annotations.fromProvider("default", target("openai", "gpt-4o"), false,
                    List.of(new Attempt("openai", "gpt-4o", "ok", 12, 200, null))),
            Annotations.fromProvider("default", target("anthropic", "claude"), true,
                    List.of(new Attempt("openai", "gpt-4o", "error", 1500, 503, "upstream said \"busy\""),
                            new Attempt("openai", "gpt-4o", "skipped_breaker_open", 0, 0, null),
                            new Attempt("anthropic", "claude", "ok", 40, 200, null)), true),
            new Annotations("r", null, "cache", true, "Using backup service", true, List.of(), 0.91234),
            Annotations.none("r", List.of()));

    private static Target target(String provider, String model) {
        return new Target("r", provider, "openai", model, null, null, null, null, 0, 0, null, null, null);
    }

    @Test
    void answersAreTheBytesTheTreesGave() {
        for (ChatResponse r : RESPONSES) {
            for (Annotations a : ANNOTATIONS) {
                ObjectNode old = Reference.writeResponse(r);
                old.set("understudy", Reference.annotations(a));
                assertEquals(text(Json.bytes(old)), Json.buffer(g -> OpenAiFormat.writeResponse(g, r, a::writeField))
                        .toString(StandardCharsets.UTF_8));
            }
            assertEquals(Reference.writeResponse(r), OpenAiFormat.writeResponse(r));
        }
    }

    @Test
    void streamChunksAreTheBytesTheTreesGave() {
        List<ChatChunk> chunks = List.of(
                new ChatChunk("Hel", null, null, null),
                new ChatChunk(null, List.of(new ChatChunk.ToolCallDelta(0, "call_1", "lookup", null),
                        new ChatChunk.ToolCallDelta(1, null, null, "{\"q\"")), null, null),
                new ChatChunk(null, null, "stop", null),
                ChatChunk.finish(null, new Usage(3, 4)),
                new ChatChunk("", null, "length", new Usage(1, 2)));
        for (ChatChunk c : chunks) {
            for (boolean first : new boolean[] {true, false}) {
                ObjectNode old = Reference.writeChunk("chatcmpl-9", "gpt-4o", 1700000000L, c, first);
                assertEquals(old, Json.tree(g -> OpenAiFormat.writeChunk(g, "chatcmpl-9", "gpt-4o", 1700000000L, c,
                        first, null)));
                old.set("understudy", Reference.annotations(ANNOTATIONS.get(1)));
                assertEquals(text(Json.bytes(old)), Json.buffer(g -> OpenAiFormat.writeChunk(g, "chatcmpl-9",
                        "gpt-4o", 1700000000L, c, first, ANNOTATIONS.get(1)::writeField))
                        .toString(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void theUnderstudyObjectAsATreeHoldsWhatItsWriterWrites() {
        for (Annotations a : ANNOTATIONS) {
            assertEquals(Reference.annotations(a), a.toJson());
            assertEquals(text(Json.bytes(Reference.annotations(a))),
                    Json.buffer(a::write).toString(StandardCharsets.UTF_8));
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The previous release's tree builders, unchanged. */
    static final class Reference {

        static ObjectNode writeResponse(ChatResponse r) {
            ObjectNode body = Json.object()
                    .put("id", r.id())
                    .put("object", "chat.completion")
                    .put("created", r.created())
                    .put("model", r.model());
            ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
            ObjectNode message = choice.putObject("message").put("role", "assistant");
            if (r.content() == null) {
                message.putNull("content");
            } else {
                message.put("content", r.content());
            }
            if (r.refusal() != null) {
                message.put("refusal", r.refusal());
            }
            if (r.toolCalls() != null && !r.toolCalls().isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                for (ToolCall c : r.toolCalls()) {
                    ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                    call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
                }
            }
            choice.putNull("logprobs");
            choice.put("finish_reason", r.finishReason());
            if (r.usage() != null) {
                body.set("usage", usage(r.usage()));
            }
            return body;
        }

        static ObjectNode writeChunk(String id, String model, long created, ChatChunk c, boolean first) {
            ObjectNode body = Json.object()
                    .put("id", id)
                    .put("object", "chat.completion.chunk")
                    .put("created", created)
                    .put("model", model);
            ArrayNode choices = body.putArray("choices");
            boolean usageOnly = c.usage() != null && !c.hasContent() && c.finishReason() == null;
            if (!usageOnly) {
                ObjectNode choice = choices.addObject().put("index", 0);
                ObjectNode delta = choice.putObject("delta");
                if (first) {
                    delta.put("role", "assistant");
                }
                if (c.text() != null) {
                    delta.put("content", c.text());
                }
                if (c.toolCalls() != null) {
                    ArrayNode calls = delta.putArray("tool_calls");
                    for (ChatChunk.ToolCallDelta d : c.toolCalls()) {
                        ObjectNode call = calls.addObject().put("index", d.index());
                        if (d.id() != null) {
                            call.put("id", d.id()).put("type", "function");
                        }
                        ObjectNode fn = call.putObject("function");
                        if (d.name() != null) {
                            fn.put("name", d.name());
                        }
                        fn.put("arguments", d.arguments() == null ? "" : d.arguments());
                    }
                }
                if (c.finishReason() == null) {
                    choice.putNull("finish_reason");
                } else {
                    choice.put("finish_reason", c.finishReason());
                }
            }
            if (usageOnly) {
                body.set("usage", usage(c.usage()));
            }
            return body;
        }

        static ObjectNode usage(Usage u) {
            return Json.object()
                    .put("prompt_tokens", u.promptTokens())
                    .put("completion_tokens", u.completionTokens())
                    .put("total_tokens", u.totalTokens());
        }

        static ObjectNode annotations(Annotations a) {
            ObjectNode o = Json.object().put("source", a.source());
            if (a.answered() != null) {
                o.put("provider", a.answered().provider()).put("model", a.answered().model());
            }
            o.put("fallback", a.fallback());
            if (a.notice() != null) {
                o.put("notice", a.notice());
            }
            o.put("degraded", a.degraded());
            if (a.cacheSimilarity() != null) {
                o.put("cache_similarity", Math.round(a.cacheSimilarity() * 1000) / 1000.0);
            }
            ArrayNode list = o.putArray("attempts");
            for (Attempt at : a.attempts()) {
                ObjectNode n = list.addObject().put("provider", at.provider()).put("model", at.model())
                        .put("outcome", at.outcome()).put("latency_ms", at.latencyMs());
                if (at.status() > 0) {
                    n.put("status", at.status());
                }
                if (at.error() != null) {
                    n.put("error", at.error());
                }
            }
            return o;
        }
    }
}
