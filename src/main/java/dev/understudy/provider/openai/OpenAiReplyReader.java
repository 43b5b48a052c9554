package dev.understudy.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.ToolCall;
import dev.understudy.chat.Usage;
import dev.understudy.provider.json.FastFields;
import dev.understudy.provider.json.FastFields.Unusual;
import dev.understudy.provider.json.Json;
import java.io.IOException;
import java.util.List;

/**
 * Reads a {@code chat.completion} reply straight from its bytes with the streaming parser: the fields an answer
 * needs are picked up as they pass, everything else is skipped, and no tree is built (a reply's tree was a tenth
 * of what a request allocated). The answer is exactly {@link OpenAiFormat#parseResponse(com.fasterxml.jackson.databind.JsonNode)}
 * of the reply's tree: any shape that the fast path does not take as it is (a field of an unexpected type, a
 * field given twice, a body that is not an object) is read again as a tree, so the two can never disagree.
 */
final class OpenAiReplyReader {

    private String id;
    private String model;
    private Long created;
    private boolean hasMessage;
    private String content;
    private List<ToolCall> toolCalls;
    private String refusal;
    private String finishReason;
    private Usage usage;
    /** Fields seen, one bit each, so that a field given twice (the tree keeps the last) goes the tree's way. */
    private int seen;

    private OpenAiReplyReader() {
    }

    static ChatResponse read(byte[] json) throws JsonProcessingException {
        return read(io.vertx.core.buffer.Buffer.buffer(json));
    }

    static ChatResponse read(io.vertx.core.buffer.Buffer json) throws JsonProcessingException {
        try (JsonParser p = Json.parser(json)) {
            return new OpenAiReplyReader().reply(p);
        } catch (Unusual unusual) {
            return OpenAiFormat.parseResponse(Json.tree(json));
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read JSON from memory", e);
        }
    }

    private ChatResponse reply(JsonParser p) throws IOException, Unusual {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw Unusual.INSTANCE;
        }
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = text(p, t, 1);
                case "model" -> model = text(p, t, 2);
                case "created" -> created = whole(p, t, 4);
                case "choices" -> choices(p, t);
                case "usage" -> usage(p, t);
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw Unusual.INSTANCE; // cut short: the tree reader says how
        }
        if (!hasMessage) {
            throw Unusual.INSTANCE; // no answer: the tree reader says so in its words
        }
        return new ChatResponse(id, model, created != null ? created : System.currentTimeMillis() / 1000, content,
                toolCalls, finishReason, usage, refusal);
    }

    private void choices(JsonParser p, JsonToken t) throws IOException, Unusual {
        once(8);
        if (!FastFields.firstObject(p, t)) {
            return;
        }
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "message" -> message(p, v);
                case "finish_reason" -> finishReason = text(p, v, 16);
                default -> p.skipChildren();
            }
        }
        FastFields.skipRestOfArray(p);
    }

    private void message(JsonParser p, JsonToken t) throws IOException, Unusual {
        once(32);
        if (t != JsonToken.START_OBJECT) {
            throw Unusual.INSTANCE;
        }
        hasMessage = true;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "content" -> content = text(p, v, 64);
                case "refusal" -> refusal = text(p, v, 128);
                case "tool_calls" -> {
                    once(256);
                    toolCalls = OpenAiFormat.toolCalls(Json.valueAt(p));
                }
                default -> p.skipChildren();
            }
        }
    }

    private void usage(JsonParser p, JsonToken t) throws IOException, Unusual {
        once(512);
        usage = usageObject(p, t);
    }

    /** An OpenAI {@code usage} object (null for null) as {@link OpenAiFormat#parseUsage} reads its tree. */
    static Usage usageObject(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw Unusual.INSTANCE;
        }
        int prompt = 0;
        int completion = 0;
        int fields = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> {
                    fields = FastFields.once(fields, 1);
                    prompt = FastFields.count(p, v);
                }
                case "completion_tokens" -> {
                    fields = FastFields.once(fields, 2);
                    completion = FastFields.count(p, v);
                }
                default -> p.skipChildren();
            }
        }
        return new Usage(prompt, completion);
    }

    /** A text field as {@code Json.text} reads it from a tree: null for null; other types go the tree's way. */
    private String text(JsonParser p, JsonToken t, int bit) throws IOException, Unusual {
        once(bit);
        return FastFields.text(p, t);
    }

    /** {@code created}: a whole number that fits a long. */
    private Long whole(JsonParser p, JsonToken t, int bit) throws IOException, Unusual {
        once(bit);
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw Unusual.INSTANCE;
        }
        return p.getLongValue();
    }

    private void once(int bit) throws Unusual {
        seen = FastFields.once(seen, bit);
    }
}
