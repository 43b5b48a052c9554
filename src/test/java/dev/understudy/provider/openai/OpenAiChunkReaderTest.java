package dev.understudy.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.Usage;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.http.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stream event read from its bytes without a tree gives exactly the chunks (or the error) that reading its
 * text as a tree gives, for the everyday shapes and for every odd one that sends the reader back to the tree.
 */
class OpenAiChunkReaderTest {

    private static final List<String> EVENTS = List.of(
            // the everyday shapes: role-only first delta, text, finish, usage-only last chunk
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello \\\"there\\\" \\u2603\"},"
                    + "\"finish_reason\":null}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}",
            "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":0}}}",
            // tool calls, extra fields at every level, more than one choice
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                    + "{\"name\":\"lookup\",\"arguments\":\"\"}},{\"index\":1,\"function\":{\"arguments\":\"{\\\"q\\\"\"}}],"
                    + "\"x\":{\"y\":[1,{}]}},\"index\":0},{\"index\":1,\"delta\":{\"content\":\"second\"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":[]},\"finish_reason\":null}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":{\"completion_tokens\":3}}",
            // in-band errors, as OpenAI and Google send them
            "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"error\":\"quota\"}",
            "{\"error\":null}",
            "[{\"error\":{\"code\":429,\"message\":\"Resource exhausted\"}}]",
            // odd types: the tree's way
            "{\"choices\":[{\"delta\":{\"content\":42}}]}",
            "{\"choices\":[{\"delta\":{\"content\":[\"parts\"]}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":true}]}",
            "{\"choices\":[{\"delta\":\"text\"}]}",
            "{\"choices\":[null]}",
            "{\"choices\":null}",
            "{\"choices\":{\"delta\":{\"content\":\"a\"}}}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":\"7\"}}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":5000000000}}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":[1]}",
            "[{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}]",
            "\"text\"",
            "42",
            "",
            // a field given twice: the tree keeps the last
            "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"choices\":[{\"delta\":{\"content\":\"b\"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"},\"delta\":{\"content\":\"b\"}}]}",
            "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"finish_reason\":\"length\"}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"prompt_tokens\":2}}",
            // what follows the event is ignored, as by the tree reader
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]} trailing",
            // broken JSON, in a field read and in a field skipped, and cut short
            "{\"choices\":[{\"delta\":{\"content\":\"a}}]}",
            "{\"extra\":{\"x\":[1,2,}},\"choices\":[{\"delta\":{\"content\":\"a\"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}},",
            "[DONE]");

    @Test
    void readsEveryEventAsItsTreeReadsIt() {
        for (String event : EVENTS) {
            assertEquals(viaTree(event), direct(event), event);
        }
    }

    @Test
    void readsAnEventInPlaceWhereverItStartsInItsArray() {
        byte[] framed = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\n"
                .getBytes(StandardCharsets.UTF_8);
        int start = "data: ".length();
        List<ChatChunk> chunks = OpenAiFormat.chunks(parsedInPlace(framed, start, framed.length - 2 - start));
        assertEquals(List.of(new ChatChunk("Hi", null, "stop", null)), chunks);
        assertEquals(List.of(new ChatChunk(null, null, null, new Usage(1, 2))),
                OpenAiFormat.chunks(new SseEvent(null, "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,"
                        + "\"completion_tokens\":2}}")));
    }

    /** The chunks, or the error's class, kind and message. */
    private static Object direct(String data) {
        try {
            return OpenAiFormat.chunks(new SseEvent(null, data));
        } catch (ProviderException e) {
            return e.getClass().getSimpleName() + " " + e.failure() + ": " + e.getMessage();
        }
    }

    private static Object viaTree(String data) {
        try {
            return OpenAiFormat.chunks(data);
        } catch (ProviderException e) {
            return e.getClass().getSimpleName() + " " + e.failure() + ": " + e.getMessage();
        }
    }

    /** The one event of {@code bytes}, read by the stream parser: a slice of that array, not a copy. */
    private static SseEvent parsedInPlace(byte[] bytes, int offset, int length) {
        List<SseEvent> out = new java.util.ArrayList<>();
        dev.understudy.provider.http.SseParser parser = new dev.understudy.provider.http.SseParser(out::add);
        parser.feed(io.vertx.core.buffer.Buffer.buffer(bytes));
        parser.finish();
        assertEquals(1, out.size());
        SseEvent e = out.get(0);
        assertEquals(offset, e.offset());
        assertEquals(length, e.length());
        return e;
    }
}
