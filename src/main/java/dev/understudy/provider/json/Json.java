package dev.understudy.provider.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one ObjectMapper of the wire formats. Formats use the tree model: no reflection, native-friendly. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    /**
     * Tool call arguments as a JSON object: {} when they are absent, broken (an earlier model's output) or not
     * an object — Claude, on Anthropic and on Bedrock, requires an object, and an empty one beats a failed request.
     */
    public static ObjectNode argumentsObject(String arguments) {
        if (arguments != null && !arguments.isBlank()) {
            try {
                JsonNode node = MAPPER.readTree(arguments);
                if (node != null && node.isObject()) {
                    return (ObjectNode) node;
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // broken arguments: an empty input instead
            }
        }
        return object();
    }

    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
