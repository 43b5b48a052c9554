package dev.understudy.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.understudy.chat.ChatResponse;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A reply read from its bytes without a tree gives exactly the answer (or the error) that reading its tree gives,
 * for the everyday shape and for every odd one that sends the reader back to the tree.
 */
class OpenAiReplyReaderTest {

    private static final String TYPICAL = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"Hello \\\"there\\\" \\u2603\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0}},\"system_fingerprint\":\"fp_1\"}";

    private static final List<String> REPLIES = List.of(
            TYPICAL,
            // tool calls, refusal, fields in another order, extra fields at every level, more than one choice
            "{\"usage\":{\"completion_tokens\":3},\"choices\":[{\"finish_reason\":\"tool_calls\",\"message\":"
                    + "{\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"lookup\","
                    + "\"arguments\":\"{\\\"q\\\":1}\"}},{\"id\":\"call_2\",\"function\":{\"name\":\"x\"}}],"
                    + "\"content\":null,\"refusal\":null,\"audio\":{\"a\":[1,2,{}]}},\"index\":0},{\"index\":1,"
                    + "\"message\":{\"content\":\"second\"}}],\"model\":\"m\",\"id\":null,\"created\":12}",
            "{\"id\":\"r\",\"created\":5,\"choices\":[{\"message\":{\"refusal\":\"I can't help with that.\"},"
                    + "\"finish_reason\":\"content_filter\"}]}",
            "{\"choices\":[{\"message\":{\"content\":\"\",\"tool_calls\":[]}}],\"usage\":null,\"created\":0}",
            // odd types: the tree's way
            "{\"id\":42,\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\"}}]}",
            "{\"created\":\"1700000000\",\"choices\":[{\"message\":{\"content\":\"a\"}}]}",
            "{\"created\":null,\"choices\":[{\"message\":{\"content\":\"a\"}}]}",
            "{\"created\":1.5,\"choices\":[{\"message\":{\"content\":\"a\"}}]}",
            "{\"created\":123456789012345678901234567890,\"choices\":[{\"message\":{\"content\":\"a\"}}]}",
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":[\"parts\"]}}]}",
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":\"7\"}}",
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":5000000000}}",
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\"}}],\"usage\":[1]}",
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\"},\"finish_reason\":true}]}",
            // a field given twice: the tree keeps the last
            "{\"created\":1,\"id\":\"first\",\"id\":\"last\",\"choices\":[{\"message\":{\"content\":\"a\"}}]}",
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\",\"content\":\"b\"}}]}",
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\"}}],\"choices\":[{\"message\":{\"content\":\"b\"}}]}",
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\"},\"message\":{\"content\":\"b\"}}]}",
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":1,"
                    + "\"prompt_tokens\":2}}",
            // no answer in it
            "{\"created\":1,\"choices\":[]}",
            "{\"created\":1}",
            "{\"created\":1,\"choices\":{\"message\":{\"content\":\"a\"}}}",
            "{\"created\":1,\"choices\":[null]}",
            "{\"created\":1,\"choices\":[{\"message\":\"text\"}]}",
            "[{\"choices\":[{\"message\":{\"content\":\"a\"}}]}]",
            "\"text\"",
            "",
            // what follows the reply is ignored, as by the tree reader
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\"}}]} trailing",
            // broken JSON, in a field read and in a field skipped
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a}}]}",
            "{\"created\":1,\"extra\":{\"x\":[1,2,}},\"choices\":[{\"message\":{\"content\":\"a\"}}]}",
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\"}}]",
            "{\"created\":1,\"choices\":[{\"message\":{\"content\":\"a\"}},");

    @Test
    void readsEveryReplyAsItsTreeReadsIt() {
        for (String reply : REPLIES) {
            assertEquals(viaTree(reply), direct(reply), reply);
        }
    }

    @Test
    void readsTheEverydayReplyWithoutFallingBack() throws Exception {
        ChatResponse r = OpenAiReplyReader.read(TYPICAL.getBytes(StandardCharsets.UTF_8));
        assertEquals(new ChatResponse("chatcmpl-1", "gpt-4o", 1700000000L, "Hello \"there\" ☃", null, "stop",
                new dev.understudy.chat.Usage(9, 12), null), r);
    }

    /** The answer, or the error's class and message; a "now" timestamp (no usable created) as 0. */
    private static Object direct(String reply) {
        try {
            return normalised(OpenAiReplyReader.read(reply.getBytes(StandardCharsets.UTF_8)));
        } catch (JsonProcessingException | ProviderException e) {
            return e.getClass().getSimpleName() + ": " + message(e);
        }
    }

    private static Object viaTree(String reply) {
        try {
            return normalised(OpenAiFormat.parseResponse(Json.tree(reply.getBytes(StandardCharsets.UTF_8))));
        } catch (JsonProcessingException | ProviderException e) {
            return e.getClass().getSimpleName() + ": " + message(e);
        }
    }

    private static String message(Exception e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    private static ChatResponse normalised(ChatResponse r) {
        long now = System.currentTimeMillis() / 1000;
        if (Math.abs(r.created() - now) > 60) {
            return r;
        }
        return new ChatResponse(r.id(), r.model(), 0, r.content(), r.toolCalls(), r.finishReason(), r.usage(),
                r.refusal());
    }
}
