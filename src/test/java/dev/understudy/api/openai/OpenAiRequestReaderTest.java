package dev.understudy.api.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.understudy.api.InvalidRequestException;
import dev.understudy.chat.ChatRequest;
import dev.understudy.provider.json.Json;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The everyday request read without a tree is exactly the request the tree parser makes of it; every other body
 * (odd, or refused with a message) is left to the tree parser, so a caller cannot tell the two paths apart.
 */
class OpenAiRequestReaderTest {

    private static final int MAX_MESSAGES = 4;

    /** Read without a tree. */
    private static final List<String> EVERYDAY = List.of(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
                    + "{\"role\":\"user\",\"content\":\"Say hello in one short sentence.\"}]}",
            "{\"messages\":[{\"content\":\"caf\\u00e9 \\\"q\\\"\",\"role\":\"developer\",\"name\":\"ops\"},{\"role\":"
                    + "\"assistant\",\"content\":\"\"},{\"role\":\"user\",\"content\":\"again\",\"name\":null}],"
                    + "\"model\":\"gpt-4o\",\"temperature\":0.2,\"top_p\":1,\"max_tokens\":64,\"seed\":-5,"
                    + "\"user\":\"u-1\",\"n\":1,\"stream\":false}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true},\"max_completion_tokens\":9,\"max_tokens\":3,"
                    + "\"temperature\":1e0,\"seed\":12345678901234}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"},"
                    + "{\"role\":\"user\",\"content\":\"c\"},{\"role\":\"user\",\"content\":\"d\"}]} trailing");

    /** Left to the tree parser: accepted there, or refused with its message. */
    private static final List<String> OTHERS = List.of(
            // shapes the reader does not take: tools, parts, tool turns, pass-through fields, nulls
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\","
                    + "\"function\":{\"name\":\"f\",\"parameters\":{}}}],\"tool_choice\":\"auto\"}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\","
                    + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\","
                    + "\"tool_call_id\":\"c1\",\"content\":\"42\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logprobs\":true}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":[\"x\"],"
                    + "\"response_format\":{\"type\":\"json_object\"}}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":null,\"stream\":null}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream_options\":null,\"n\":null}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream_options\":{}}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream_options\":"
                    + "{\"include_usage\":\"yes\"}}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":"
                    + "123456789012345678901234567890}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":2,"
                    + "\"max_tokens\":\"lots\"}",
            // a field given twice
            "{\"model\":\"a\",\"model\":\"b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"content\":\"ho\"}]}",
            // refused, each with its own message
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"m\"}",
            "{\"model\":\"m\",\"messages\":[]}",
            "{\"model\":\"m\",\"messages\":{}}",
            "{\"model\":\"m\",\"messages\":[\"hi\"]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"content\":\"hi\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":5}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":3}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"hi\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"},"
                    + "{\"role\":\"user\",\"content\":\"c\"},{\"role\":\"user\",\"content\":\"d\"},{\"role\":\"user\","
                    + "\"content\":\"e\"}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":2}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"true\"}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":\"hot\"}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":0}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2.5}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":1.5}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"user\":false}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream_options\":true}",
            "[{\"model\":\"m\"}]",
            "\"text\"",
            // broken JSON, in a field read and in a field skipped, and cut short
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi}]}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"x\":[1,}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]");

    @Test
    void readsTheEverydayRequestAsTheTreeParserDoes() {
        for (String body : EVERYDAY) {
            ChatRequest direct = OpenAiRequestReader.read(Buffer.buffer(body), MAX_MESSAGES);
            assertNotNull(direct, body);
            assertEquals(viaTree(body), direct, body);
        }
    }

    @Test
    void leavesEveryOtherBodyToTheTreeParserOrReadsItTheSame() {
        for (String body : OTHERS) {
            ChatRequest direct = OpenAiRequestReader.read(Buffer.buffer(body), MAX_MESSAGES);
            if (direct != null) {
                assertEquals(viaTree(body), direct, body);
            }
        }
        assertEquals(null, OpenAiRequestReader.read(Buffer.buffer(""), MAX_MESSAGES));
    }

    /** The tree parser's request, or its refusal's message. */
    private static Object viaTree(String body) {
        try {
            return OpenAiRequestParser.parse(Json.tree(body), MAX_MESSAGES);
        } catch (InvalidRequestException e) {
            return "refused: " + e.getMessage();
        } catch (Exception e) {
            return "not JSON: " + e.getClass().getSimpleName();
        }
    }
}
