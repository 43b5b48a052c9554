package dev.understudy.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.openai.OpenAiRequestParser;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import dev.understudy.chat.Tool;
import dev.understudy.chat.ToolCall;
import dev.understudy.provider.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The request to an OpenAI-compatible target is written straight to bytes; it says what the previous release's
 * tree said ({@link Reference}: its code, kept as the oracle, so it must not call what it checks), for streaming
 * and not, with and without a continued final turn, and whatever the caller's passed-through fields are.
 */
class OpenAiProviderRequestTest {

    private static final List<String> BODIES = List.of(
            "{\"model\":\"r\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello \\\"there\\\" \\u2603\"}]}",
            "{\"model\":\"r\",\"messages\":[{\"role\":\"system\",\"content\":\"terse\"},{\"role\":\"user\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"look\"},{\"type\":\"image_url\",\"image_url\":"
                    + "{\"url\":\"https://example.com/a.png\",\"detail\":\"low\"}}],\"name\":\"ann\"},{\"role\":"
                    + "\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":1}\"}}]},{\"role\":\"tool\","
                    + "\"tool_call_id\":\"call_1\",\"content\":\"42\"},{\"role\":\"assistant\",\"content\":\"So\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"description\":\"d\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"integer\"}}},"
                    + "\"strict\":true}}],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}},"
                    + "\"temperature\":0.2,\"top_p\":0.9,\"max_tokens\":100,\"stop\":[\"END\",\"STOP\"],"
                    + "\"response_format\":{\"type\":\"json_object\"},\"seed\":42,\"user\":\"u-1\","
                    + "\"logit_bias\":{\"50256\":-100},\"metadata\":{\"a\":[1,2.5,null,true]},\"store\":false}",
            "{\"model\":\"r\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"max_completion_tokens\":50,\"stream\":true,\"stream_options\":{\"include_usage\":false},"
                    + "\"parallel_tool_calls\":false}");

    @Test
    void requestsSayWhatTheTreesSaid() throws Exception {
        List<ChatRequest> requests = new ArrayList<>();
        for (String body : BODIES) {
            requests.add(OpenAiRequestParser.parse(Json.tree(body), 100));
        }
        requests.add(withExtra(requests.get(0), "{\"model\":\"other\",\"messages\":[],\"stream\":false,"
                + "\"stream_options\":{\"x\":1},\"tools\":[1],\"max_tokens\":7,\"continue_final_message\":false,"
                + "\"kept\":\"yes\"}"));
        requests.add(withExtra(requests.get(1), "{\"tools\":\"replaced\",\"max_tokens\":7,\"user\":\"x\","
                + "\"add_generation_prompt\":true}"));
        for (ChatRequest r : requests) {
            for (boolean stream : new boolean[] {false, true}) {
                for (boolean continueFinal : new boolean[] {false, true}) {
                    ObjectNode old = Reference.toProviderRequest(r, "gpt-4o", stream);
                    if (continueFinal) {
                        old.put("continue_final_message", true).put("add_generation_prompt", false);
                    }
                    byte[] bytes = Json.bytes(g -> OpenAiRequestWriter.write(g, r, "gpt-4o", stream,
                            continueFinal));
                    assertEquals(Json.tree(Json.bytes(old)), Json.tree(bytes), r + " stream=" + stream);
                    assertEquals(old, OpenAiFormat.toProviderRequest(r, "gpt-4o", stream, continueFinal));
                    noFieldTwice(bytes);
                }
            }
        }
    }

    /** A field written twice would pass the tree comparison (the tree keeps the last): the parser refuses it. */
    private static void noFieldTwice(byte[] json) throws Exception {
        try (com.fasterxml.jackson.core.JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
            p.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            while (p.nextToken() != null) {
                // reading is the check
            }
        }
    }

    private static ChatRequest withExtra(ChatRequest r, String extra) throws Exception {
        return new ChatRequest(r.model(), r.messages(), r.tools(), r.toolChoice(), r.temperature(), r.topP(),
                r.maxTokens(), r.stop(), r.responseFormat(), r.seed(), r.user(), r.stream(), r.includeUsage(),
                (ObjectNode) Json.tree(extra));
    }

    /** The previous release's tree code, as it was. */
    static final class Reference {

        static ObjectNode toProviderRequest(ChatRequest r, String model, boolean stream) {
            ObjectNode body = Json.object();
            if (r.extra() != null) {
                body.setAll(r.extra());
            }
            body.put("model", model);
            ArrayNode messages = body.putArray("messages");
            for (Message m : r.messages()) {
                messages.add(message(m));
            }
            if (r.tools() != null) {
                ArrayNode tools = body.putArray("tools");
                for (Tool t : r.tools()) {
                    ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                    fn.put("name", t.name());
                    if (t.description() != null) {
                        fn.put("description", t.description());
                    }
                    if (t.parameters() != null) {
                        fn.set("parameters", t.parameters());
                    }
                    if (t.strict() != null) {
                        fn.put("strict", t.strict());
                    }
                }
            }
            if (r.toolChoice() != null) {
                body.set("tool_choice", r.toolChoice());
            }
            if (r.temperature() != null) {
                body.put("temperature", r.temperature());
            }
            if (r.topP() != null) {
                body.put("top_p", r.topP());
            }
            if (r.maxTokens() != null && !body.has("max_completion_tokens")) {
                body.put("max_tokens", r.maxTokens());
            }
            if (r.stop() != null) {
                ArrayNode stop = body.putArray("stop");
                r.stop().forEach(stop::add);
            }
            if (r.responseFormat() != null) {
                body.set("response_format", r.responseFormat());
            }
            if (r.seed() != null) {
                body.put("seed", r.seed());
            }
            if (r.user() != null) {
                body.put("user", r.user());
            }
            if (stream) {
                body.put("stream", true);
                body.putObject("stream_options").put("include_usage", true); // always: usage is accounted
            } else {
                body.remove("stream_options");
            }
            return body;
        }

        private static ObjectNode message(Message m) {
            ObjectNode node = Json.object().put("role", m.role());
            if (m.content() == null) {
                node.putNull("content");
            } else if (m.plainText()) {
                node.put("content", m.text());
            } else {
                ArrayNode parts = node.putArray("content");
                for (Part p : m.content()) {
                    if (p instanceof Part.Text t) {
                        parts.addObject().put("type", "text").put("text", t.text());
                    } else if (p instanceof Part.Image img) {
                        ObjectNode url = parts.addObject().put("type", "image_url").putObject("image_url");
                        url.put("url", img.asUrl());
                        if (img.detail() != null) {
                            url.put("detail", img.detail());
                        }
                    }
                }
            }
            if (m.name() != null) {
                node.put("name", m.name());
            }
            if (m.toolCalls() != null) {
                ArrayNode calls = node.putArray("tool_calls");
                for (ToolCall c : m.toolCalls()) {
                    ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                    call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
                }
            }
            if (m.toolCallId() != null) {
                node.put("tool_call_id", m.toolCallId());
            }
            return node;
        }
    }
}
