package dev.understudy.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import dev.understudy.chat.Tool;
import dev.understudy.chat.ToolCall;
import dev.understudy.provider.json.Json;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The cache key of a request: a SHA-256 over everything that changes the answer — tenant, route,
 * messages (whitespace normalised), tools, tool choice, response format, temperature, top_p, max tokens,
 * seed, stop and other sampling fields — and nothing that does not (the stream flag, stream_options,
 * {@code user}, metadata, request ids). Streaming and non-streaming requests share entries.
 */
public final class Fingerprint {

    /** Extra OpenAI fields that do not change the answer. */
    private static final Set<String> IGNORED_EXTRA = Set.of("user", "metadata", "store", "service_tier",
            "stream_options", "parallel_tool_calls", "prediction");

    private Fingerprint() {
    }

    public static String of(String tenant, String route, ChatRequest r) {
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
        putNumber(canon, "temperature", r.temperature());
        putNumber(canon, "top_p", r.topP());
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
        return sha256(Json.bytes(canon));
    }

    /** The text a similar lookup compares: the last user turn. */
    public static String question(ChatRequest r) {
        for (int i = r.messages().size() - 1; i >= 0; i--) {
            Message m = r.messages().get(i);
            if ("user".equals(m.role())) {
                return normalise(m.text());
            }
        }
        return "";
    }

    /** Compiled once: String.replaceAll compiled it for every stored answer (seen in allocation profiles). */
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    static String normalise(String text) {
        return text == null ? "" : WHITESPACE.matcher(text.strip()).replaceAll(" ");
    }

    private static void putNumber(ObjectNode n, String field, Double v) {
        if (v != null) {
            n.put(field, v);
        }
    }

    /** Object keys in a stable order, so that {"a":1,"b":2} and {"b":2,"a":1} give one key. */
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

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
