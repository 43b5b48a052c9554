package dev.understudy.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.Usage;
import dev.understudy.provider.http.SseEvent;
import dev.understudy.provider.json.FastFields;
import dev.understudy.provider.json.FastFields.Unusual;
import dev.understudy.provider.json.Json;
import java.io.IOException;
import java.util.List;

/**
 * Reads one {@code chat.completion.chunk} event straight from its bytes with the streaming parser, as
 * {@link OpenAiReplyReader} reads whole replies: no tree, no text copy of the event. The chunk is exactly
 * {@link OpenAiFormat#chunks(String)} of the event's text: any shape the fast path does not take as it is (an
 * in-band error, a field of an unexpected type or given twice, broken JSON, anything but an object) is read
 * again that way, so the two can never disagree.
 */
final class OpenAiChunkReader {

    private String text;
    private List<ChatChunk.ToolCallDelta> toolCalls;
    private String finishReason;
    private Usage usage;
    /** Fields seen, one bit each, so that a field given twice (the tree keeps the last) goes the tree's way. */
    private int seen;

    private OpenAiChunkReader() {
    }

    static List<ChatChunk> read(SseEvent event) {
        try (JsonParser p = Json.parser(event.bytes(), event.offset(), event.length())) {
            ChatChunk chunk = new OpenAiChunkReader().chunk(p);
            return chunk == null ? List.of() : List.of(chunk);
        } catch (Unusual | IOException e) {
            return OpenAiFormat.chunks(event.data());
        }
    }

    private ChatChunk chunk(JsonParser p) throws IOException, Unusual {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw Unusual.INSTANCE;
        }
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "choices" -> choices(p, t);
                case "usage" -> usage(p, t);
                case "error" -> throw Unusual.INSTANCE; // an in-band error: the tree reader words it
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw Unusual.INSTANCE; // cut short: the tree reader says how
        }
        if ((text == null || text.isEmpty()) && toolCalls == null && finishReason == null && usage == null) {
            return null;
        }
        return new ChatChunk(text, toolCalls, finishReason, usage);
    }

    private void choices(JsonParser p, JsonToken t) throws IOException, Unusual {
        once(1);
        if (!FastFields.firstObject(p, t)) {
            return;
        }
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "delta" -> delta(p, v);
                case "finish_reason" -> finishReason = text(p, v, 2);
                default -> p.skipChildren();
            }
        }
        FastFields.skipRestOfArray(p);
    }

    private void delta(JsonParser p, JsonToken t) throws IOException, Unusual {
        once(4);
        if (t != JsonToken.START_OBJECT) {
            throw Unusual.INSTANCE;
        }
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "content" -> text = text(p, v, 8);
                case "tool_calls" -> {
                    once(16);
                    toolCalls = OpenAiFormat.toolCallDeltas(Json.valueAt(p));
                }
                default -> p.skipChildren();
            }
        }
    }

    private void usage(JsonParser p, JsonToken t) throws IOException, Unusual {
        once(32);
        usage = OpenAiReplyReader.usageObject(p, t);
    }

    /** A text field as {@code Json.text} reads it from a tree: null for null; other types go the tree's way. */
    private String text(JsonParser p, JsonToken t, int bit) throws IOException, Unusual {
        once(bit);
        return FastFields.text(p, t);
    }

    private void once(int bit) throws Unusual {
        seen = FastFields.once(seen, bit);
    }
}
