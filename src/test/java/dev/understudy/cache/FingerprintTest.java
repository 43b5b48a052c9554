package dev.understudy.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.openai.OpenAiRequestParser;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import dev.understudy.chat.Tool;
import dev.understudy.chat.ToolCall;
import dev.understudy.provider.json.Json;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Cache keys are computed without building a tree, and are still the keys earlier releases stored under. */
class FingerprintTest {

    private static final List<String> REQUESTS = List.of(
            "{\"model\":\"r\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}",
            "{\"model\":\"r\",\"messages\":[{\"role\":\"system\",\"content\":\"  You are\\tterse.\\n\\n\"},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a  b\\r\\nc\\u000Bd\\fe\"},"
                    + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/x.png\"}}]}],"
                    + "\"temperature\":0.7,\"top_p\":1,\"max_tokens\":64,\"seed\":12345678901,\"stop\":[\"\\n\",\"END\"]}",
            "{\"model\":\"r\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},{\"role\":\"assistant\","
                    + "\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"w\","
                    + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c1\","
                    + "\"content\":\"sunny\"},{\"role\":\"user\",\"name\":\"ann\",\"content\":\"and tomorrow?\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"w\",\"parameters\":{\"type\":\"object\","
                    + "\"required\":[\"city\"],\"properties\":{\"city\":{\"type\":\"string\"}}}}},{\"type\":\"function\","
                    + "\"function\":{\"name\":\"n\",\"description\":\"no parameters\"}}],"
                    + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"w\"}},"
                    + "\"response_format\":{\"type\":\"json_object\"}}",
            "{\"model\":\"r\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"auto\","
                    + "\"logit_bias\":{\"b\":2,\"a\":1},\"user\":\"u1\",\"metadata\":{\"k\":\"v\"},\"n\":1,"
                    + "\"frequency_penalty\":0.5,\"presence_penalty\":null,\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true}}",
            "{\"model\":\"r\",\"messages\":[{\"role\":\"user\",\"content\":\"\\u00e9t\\u00e9 \\u2603 \\ud83d\\ude00\"}]}");

    @Test
    void keysAreTheBytesEarlierReleasesHashedSoStoredAnswersStillMatch() throws Exception {
        for (String body : REQUESTS) {
            ChatRequest r = OpenAiRequestParser.parse(Json.tree(body), 100);
            for (String tenant : new String[] {null, "", "team-a"}) {
                assertEquals(Reference.of(tenant, "route", r), Fingerprint.of(tenant, "route", r), body);
            }
        }
    }

    @Test
    void normalisesWhitespaceAsTheRegularExpressionDid() {
        for (String text : List.of("", " ", "a", "a b", "a  b", " a\tb ", "a\n\nb", "a \u000B\f\r b", "\u2003a\u2003",
                "a\u2003 b", "already clean text", "trailing  ", "x\t")) {
            assertEquals(Reference.normalise(text), Fingerprint.normalise(text), text);
        }
    }

    @Test
    void differentRequestsGetDifferentKeys() throws Exception {
        ChatRequest a = OpenAiRequestParser.parse(Json.tree(REQUESTS.get(0)), 100);
        assertNotEquals(Fingerprint.of("t", "route", a), Fingerprint.of("u", "route", a));
        assertNotEquals(Fingerprint.of("t", "route", a), Fingerprint.of("t", "other", a));
    }

    /** The key as earlier releases computed it: a tree, serialised by the mapper, then hashed. */
    private static final class Reference {

        private static final Set<String> IGNORED_EXTRA = Set.of("user", "metadata", "store", "service_tier",
                "stream_options", "parallel_tool_calls", "prediction");

        static String of(String tenant, String route, ChatRequest r) throws Exception {
            ObjectNode canon = Json.object();
            canon.put("tenant", tenant == null ? "" : tenant).put("route", route);
            ArrayNode messages = canon.putArray("messages");
            for (Message m : r.messages()) {
                ObjectNode n = messages.addObject().put("role", m.role());
                if (m.content() != null) {
                    ArrayNode parts = n.putArray("content");
                    for (Part p : m.content()) {
                        if (p instanceof Part.Text t) {
                            parts.add(normalise(t.text()));
                        } else if (p instanceof Part.Image img) {
                            parts.add("image:" + img.asUrl());
                        }
                    }
                }
                if (m.name() != null) {
                    n.put("name", m.name());
                }
                if (m.toolCalls() != null) {
                    ArrayNode calls = n.putArray("tool_calls");
                    for (ToolCall c : m.toolCalls()) {
                        calls.addObject().put("name", c.name()).put("arguments", c.arguments());
                    }
                }
                if (m.toolCallId() != null) {
                    n.put("tool_call_id", m.toolCallId());
                }
            }
            if (r.tools() != null) {
                ArrayNode tools = canon.putArray("tools");
                for (Tool t : r.tools()) {
                    ObjectNode tool = tools.addObject().put("name", t.name()).put("description", t.description());
                    tool.set("parameters", sorted(t.parameters()));
                }
            }
            canon.set("tool_choice", sorted(r.toolChoice()));
            canon.set("response_format", sorted(r.responseFormat()));
            if (r.temperature() != null) {
                canon.put("temperature", r.temperature());
            }
            if (r.topP() != null) {
                canon.put("top_p", r.topP());
            }
            if (r.maxTokens() != null) {
                canon.put("max_tokens", r.maxTokens());
            }
            if (r.seed() != null) {
                canon.put("seed", r.seed());
            }
            if (r.stop() != null) {
                ArrayNode stop = canon.putArray("stop");
                r.stop().forEach(stop::add);
            }
            if (r.extra() != null) {
                Map<String, JsonNode> extra = new TreeMap<>();
                r.extra().properties().forEach(e -> {
                    if (!IGNORED_EXTRA.contains(e.getKey())) {
                        extra.put(e.getKey(), sorted(e.getValue()));
                    }
                });
                extra.forEach(canon.putObject("extra")::set);
            }
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Json.MAPPER.writeValueAsBytes(canon)));
        }

        static String normalise(String text) {
            return text == null ? "" : text.strip().replaceAll("\\s+", " ");
        }

        private static JsonNode sorted(JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (node.isObject()) {
                ObjectNode out = Json.object();
                TreeMap<String, JsonNode> fields = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    fields.put(e.getKey(), sorted(e.getValue()));
                }
                fields.forEach(out::set);
                return out;
            }
            if (node.isArray()) {
                ArrayNode out = Json.array();
                node.forEach(n -> out.add(sorted(n)));
                return out;
            }
            return node;
        }
    }
}
