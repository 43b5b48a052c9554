package dev.understudy.provider.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * The one ObjectMapper of the wire formats. Formats use the tree model: no reflection, native-friendly.
 *
 * <p>Trees on the request path are read and written here with the streaming parser and generator
 * directly ({@link #tree}, {@link #bytes}, {@link #buffer}): {@code ObjectMapper.readTree} and
 * {@code writeValueAsBytes} set up a deserialization or serialization context per call, which cost more than
 * the small documents themselves (about a sixth of an event loop's time in profiles). Same trees, same bytes,
 * same parser limits (the mapper's own factory).
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    public static byte[] bytes(JsonNode node) {
        return bytes(g -> write(g, node));
    }

    /** The JSON text {@code writer} writes: no tree in between. */
    public static byte[] bytes(Writer writer) {
        ExactBytes out = new ExactBytes();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
        return out.bytes();
    }

    /**
     * Keeps what it is given. The generator buffers its output (a recycled 8 KB buffer) and hands a document that
     * fits in one write: that write becomes an array of exactly its size, with no growing buffer and no copy of it
     * at the end. Longer documents grow an array as usual.
     */
    private static final class ExactBytes extends OutputStream {
        private byte[] bytes;
        private int length;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int offset, int n) {
            if (bytes == null) {
                bytes = java.util.Arrays.copyOfRange(b, offset, offset + n);
                length = n;
                return;
            }
            if (length + n > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + n));
            }
            System.arraycopy(b, offset, bytes, length, n);
            length += n;
        }

        byte[] bytes() {
            if (bytes == null) {
                return new byte[0];
            }
            return length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
        }
    }

    /** The JSON text of {@code node} in a Vert.x buffer (one copy fewer than {@link #bytes} for a response). */
    public static Buffer buffer(JsonNode node) {
        return appendTo(Buffer.buffer(256), node);
    }

    /** Appends the JSON text of {@code node} to {@code b}; returns {@code b}. */
    public static Buffer appendTo(Buffer b, JsonNode node) {
        return appendTo(b, g -> write(g, node));
    }

    /** Appends the JSON text {@code writer} writes to {@code b}: no tree in between; returns {@code b}. */
    public static Buffer appendTo(Buffer b, Writer writer) {
        try (JsonGenerator g = generator(b::appendBytes)) {
            writer.write(g);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
        return b;
    }

    /**
     * The first JSON value of {@code json} as a tree (what follows it is ignored), a missing node for no value,
     * like {@code MAPPER.readTree}; fails with the parser's {@link JsonProcessingException} on broken JSON.
     */
    public static JsonNode tree(byte[] json) throws JsonProcessingException {
        return read(() -> FACTORY.createParser(json));
    }

    /** As {@link #tree(byte[])}, read in place from a Vert.x buffer's bytes (no copy when it is on the heap). */
    public static JsonNode tree(Buffer json) throws JsonProcessingException {
        return read(() -> parser(json));
    }

    /** As {@link #tree(byte[])}, from text. */
    public static JsonNode tree(String json) throws JsonProcessingException {
        return read(() -> FACTORY.createParser(json));
    }

    /** A parser over {@code length} bytes of {@code json} from {@code offset}, with the mapper's settings and limits. */
    public static JsonParser parser(byte[] json, int offset, int length) throws IOException {
        return FACTORY.createParser(json, offset, length);
    }

    /** A parser over a Vert.x buffer's bytes with the mapper's settings and limits, in place when they are on the heap. */
    public static JsonParser parser(Buffer json) throws IOException {
        io.netty.buffer.ByteBuf b = json.getByteBuf();
        if (b.hasArray()) {
            return FACTORY.createParser(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
        }
        return FACTORY.createParser(json.getBytes());
    }

    /** The value at the parser's current token as a tree (the parser is left at the value's last token). */
    public static JsonNode valueAt(JsonParser p) throws IOException {
        return value(p, p.currentToken());
    }

    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    private static JsonNode read(ParserSource source) throws JsonProcessingException {
        try (JsonParser p = source.open()) {
            return tree(p);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read JSON from memory", e);
        }
    }

    private static JsonNode tree(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        return t == null ? MissingNode.getInstance() : value(p, t);
    }

    /** The value starting at {@code t}; the parser enforces the nesting depth limit before this recursion. */
    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = NODES.objectNode();
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    o.set(name, value(p, p.nextToken()));
                }
                if (p.currentToken() != JsonToken.END_OBJECT) {
                    throw new JsonParseException(p, "Unexpected end-of-input: expected close marker for Object");
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    if (e == null) {
                        throw new JsonParseException(p, "Unexpected end-of-input: expected close marker for Array");
                    }
                    a.add(value(p, e));
                }
                return a;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT:
                return NODES.pojoNode(p.getEmbeddedObject());
            default:
                throw new JsonParseException(p, "Unexpected token " + t);
        }
    }

    /** Writes one JSON value to a generator: the one definition of a shape that is sent often. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /** The JSON text {@code writer} writes, in a Vert.x buffer: no tree in between. */
    public static Buffer buffer(Writer writer) {
        return appendTo(Buffer.buffer(512), writer);
    }

    /** What {@code writer} writes, as a tree (for the places that add to it); same values, same order. */
    public static JsonNode tree(Writer writer) {
        try (TokenBuffer tokens = new TokenBuffer(MAPPER, false)) {
            writer.write(tokens);
            try (JsonParser p = tokens.asParser()) {
                return tree(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot build JSON", e);
        }
    }

    /** Where a generator's bytes go: a buffer, a digest. */
    @FunctionalInterface
    public interface ByteSink {
        void write(byte[] bytes, int offset, int length);
    }

    /** A generator with the mapper's settings, writing to {@code sink}. */
    public static JsonGenerator generator(ByteSink sink) throws IOException {
        return FACTORY.createGenerator(new OutputStream() {
            @Override
            public void write(int b) {
                sink.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                sink.write(bytes, offset, length);
            }
        });
    }

    /** Writes {@code node} to {@code g}, as the mapper would. */
    public static void write(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode e : node) {
                    write(g, e);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> g.writeNumber(node.intValue());
                    case LONG -> g.writeNumber(node.longValue());
                    case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
                    case FLOAT -> g.writeNumber(node.floatValue());
                    case BIG_DECIMAL -> g.writeNumber(node.decimalValue());
                    default -> g.writeNumber(node.doubleValue());
                }
            }
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case BINARY -> g.writeBinary(node.binaryValue());
            case POJO -> MAPPER.writeValue(g, ((POJONode) node).getPojo());
            default -> g.writeNull(); // NULL; MISSING never sits inside a tree
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
