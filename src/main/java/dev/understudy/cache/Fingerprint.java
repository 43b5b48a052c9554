package dev.understudy.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import dev.understudy.chat.Tool;
import dev.understudy.chat.ToolCall;
import dev.understudy.provider.json.Json;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

    /**
     * The key, as hex. The canonical form is written straight into the digest (no tree, no byte array): it
     * runs once per answer on the cache writer thread. Its bytes are those of earlier releases, so answers
     * stored in Redis by them keep matching (FingerprintTest).
     */
    public static String of(String tenant, String route, ChatRequest r) {
        MessageDigest digest = sha256();
        try (JsonGenerator g = Json.generator(digest::update)) {
            g.writeStartObject();
            g.writeStringField("tenant", tenant == null ? "" : tenant);
            g.writeStringField("route", route);
            g.writeArrayFieldStart("messages");
            for (Message m : r.messages()) {
                message(g, m);
            }
            g.writeEndArray();
            if (r.tools() != null) {
                g.writeArrayFieldStart("tools");
                for (Tool t : r.tools()) {
                    g.writeStartObject();
                    g.writeStringField("name", t.name());
                    g.writeStringField("description", t.description());
                    field(g, "parameters", sorted(t.parameters()));
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            field(g, "tool_choice", sorted(r.toolChoice()));
            field(g, "response_format", sorted(r.responseFormat()));
            if (r.temperature() != null) {
                g.writeNumberField("temperature", r.temperature());
            }
            if (r.topP() != null) {
                g.writeNumberField("top_p", r.topP());
            }
            if (r.maxTokens() != null) {
                g.writeNumberField("max_tokens", r.maxTokens());
            }
            if (r.seed() != null) {
                g.writeNumberField("seed", r.seed());
            }
            if (r.stop() != null) {
                g.writeArrayFieldStart("stop");
                for (String stop : r.stop()) {
                    g.writeString(stop);
                }
                g.writeEndArray();
            }
            if (r.extra() != null) {
                Map<String, JsonNode> extra = new TreeMap<>();
                r.extra().properties().forEach(e -> {
                    if (!IGNORED_EXTRA.contains(e.getKey())) {
                        extra.put(e.getKey(), sorted(e.getValue()));
                    }
                });
                g.writeObjectFieldStart("extra");
                for (Map.Entry<String, JsonNode> e : extra.entrySet()) {
                    field(g, e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a cache key", e); // a digest does not fail
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void message(JsonGenerator g, Message m) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", m.role());
        if (m.content() != null) {
            g.writeArrayFieldStart("content");
            for (Part p : m.content()) {
                if (p instanceof Part.Text t) {
                    g.writeString(normalise(t.text()));
                } else if (p instanceof Part.Image img) {
                    g.writeString("image:" + img.asUrl());
                }
            }
            g.writeEndArray();
        }
        if (m.name() != null) {
            g.writeStringField("name", m.name());
        }
        if (m.toolCalls() != null) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeStringField("arguments", c.arguments());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (m.toolCallId() != null) {
            g.writeStringField("tool_call_id", m.toolCallId());
        }
        g.writeEndObject();
    }

    /** A field whose value may be absent: written as null, as a tree's {@code set(name, null)} is. */
    private static void field(JsonGenerator g, String name, JsonNode value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            Json.write(g, value);
        }
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

    /**
     * Stripped, with every run of whitespace ({@code \\s}: space, tab, line feed, vertical tab, form feed,
     * carriage return) made one space. Text that is already so (most) is returned as it is, without a copy.
     */
    static String normalise(String text) {
        if (text == null) {
            return "";
        }
        String s = text.strip();
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (space(c) && (c != ' ' || i + 1 < n && space(s.charAt(i + 1)))) {
                break; // the first place that changes
            }
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder b = new StringBuilder(n).append(s, 0, i);
        boolean inSpace = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (space(c)) {
                if (!inSpace) {
                    b.append(' ');
                }
                inSpace = true;
            } else {
                b.append(c);
                inSpace = false;
            }
        }
        return b.toString();
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
