package dev.understudy.api.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import dev.understudy.provider.json.FastFields;
import dev.understudy.provider.json.FastFields.Unusual;
import dev.understudy.provider.json.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the everyday Chat Completions request — a model, text messages, and the common sampling and streaming
 * options — straight from the body's bytes with the streaming parser, without a tree. Anything else (tools,
 * content parts, a tool turn, a field passed through to the target, a value of an unexpected type, a field
 * given twice, a request {@link OpenAiRequestParser} would refuse, broken JSON) is not read here: {@link #read}
 * returns null and the request goes through the tree and {@link OpenAiRequestParser}, so what the caller gets,
 * answer or error, cannot differ.
 */
final class OpenAiRequestReader {

    /** Roles whose turns are text alone here; a tool turn needs its call's id and goes the tree's way. */
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    private final int maxMessages;
    private String model;
    private List<Message> messages;
    private Double temperature;
    private Double topP;
    private Integer maxTokens;
    private Integer maxCompletionTokens;
    private Long seed;
    private String user;
    private boolean stream;
    private boolean includeUsage;
    private int seen;

    private OpenAiRequestReader(int maxMessages) {
        this.maxMessages = maxMessages;
    }

    /** The request, or null when it is not of the everyday shape (or not valid): parse its tree then. */
    static ChatRequest read(Buffer body, int maxMessages) {
        if (body.length() == 0) {
            return null;
        }
        try (JsonParser p = Json.parser(body)) {
            return new OpenAiRequestReader(maxMessages).request(p);
        } catch (Unusual | IOException e) {
            return null;
        }
    }

    private ChatRequest request(JsonParser p) throws IOException, Unusual {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw Unusual.INSTANCE;
        }
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "model" -> {
                    once(1);
                    model = FastFields.string(p, t);
                    if (model.isEmpty()) {
                        throw Unusual.INSTANCE;
                    }
                }
                case "messages" -> {
                    once(2);
                    messages = messages(p, t);
                }
                case "temperature" -> {
                    once(4);
                    temperature = number(p, t);
                }
                case "top_p" -> {
                    once(8);
                    topP = number(p, t);
                }
                case "max_tokens" -> {
                    once(16);
                    maxTokens = positiveInt(p, t);
                }
                case "max_completion_tokens" -> {
                    once(32);
                    maxCompletionTokens = positiveInt(p, t);
                }
                case "seed" -> {
                    once(64);
                    seed = whole(p, t);
                }
                case "user" -> {
                    once(128);
                    user = FastFields.string(p, t);
                }
                case "stream" -> {
                    once(256);
                    stream = bool(t);
                }
                case "stream_options" -> {
                    once(512);
                    streamOptions(p, t);
                }
                case "n" -> {
                    once(1024);
                    if (FastFields.count(p, t) != 1) {
                        throw Unusual.INSTANCE;
                    }
                }
                default -> throw Unusual.INSTANCE; // mapped fields read elsewhere, or passed through to targets
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT || model == null || messages == null) {
            throw Unusual.INSTANCE;
        }
        // max_completion_tokens is read as the token limit and also passed through as it is, as by the parser
        com.fasterxml.jackson.databind.node.ObjectNode extra = maxCompletionTokens == null ? null
                : Json.object().put("max_completion_tokens", maxCompletionTokens.intValue());
        return new ChatRequest(model, messages, null, null, temperature, topP,
                maxCompletionTokens != null ? maxCompletionTokens : maxTokens, null, null, seed, user, stream,
                includeUsage, extra);
    }

    private List<Message> messages(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t != JsonToken.START_ARRAY) {
            throw Unusual.INSTANCE;
        }
        List<Message> list = new ArrayList<>(4);
        for (JsonToken m = p.nextToken(); m != JsonToken.END_ARRAY; m = p.nextToken()) {
            if (m != JsonToken.START_OBJECT || list.size() == maxMessages) {
                throw Unusual.INSTANCE;
            }
            list.add(message(p));
        }
        if (list.isEmpty()) {
            throw Unusual.INSTANCE;
        }
        return List.copyOf(list);
    }

    private static Message message(JsonParser p) throws IOException, Unusual {
        String role = null;
        String content = null;
        String name = null;
        int fields = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            switch (field) {
                case "role" -> {
                    fields = FastFields.once(fields, 1);
                    role = FastFields.string(p, v);
                }
                case "content" -> {
                    fields = FastFields.once(fields, 2);
                    content = FastFields.string(p, v);
                }
                case "name" -> {
                    fields = FastFields.once(fields, 4);
                    name = v == JsonToken.VALUE_NULL ? null : FastFields.string(p, v);
                }
                default -> throw Unusual.INSTANCE;
            }
        }
        if (role == null || content == null || !ROLES.contains(role)) {
            throw Unusual.INSTANCE;
        }
        return new Message(role, List.of(new Part.Text(content)), true, name, null, null);
    }

    private void streamOptions(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t != JsonToken.START_OBJECT) {
            throw Unusual.INSTANCE;
        }
        int fields = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken v = p.nextToken();
            if (!"include_usage".equals(field)) {
                throw Unusual.INSTANCE;
            }
            fields = FastFields.once(fields, 1);
            includeUsage = bool(v);
        }
    }

    private static boolean bool(JsonToken t) throws Unusual {
        return switch (t) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            default -> throw Unusual.INSTANCE;
        };
    }

    /** A number as the tree's {@code asDouble} reads it: ints, longs and doubles; anything else the tree's way. */
    private static Double number(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw Unusual.INSTANCE;
        }
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG
                && type != JsonParser.NumberType.DOUBLE) {
            throw Unusual.INSTANCE;
        }
        return p.getDoubleValue();
    }

    private static Integer positiveInt(JsonParser p, JsonToken t) throws IOException, Unusual {
        int n = FastFields.count(p, t);
        if (n < 1) {
            throw Unusual.INSTANCE;
        }
        return n;
    }

    private static Long whole(JsonParser p, JsonToken t) throws IOException, Unusual {
        JsonParser.NumberType type = t == JsonToken.VALUE_NUMBER_INT ? p.getNumberType() : null;
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw Unusual.INSTANCE;
        }
        return p.getLongValue();
    }

    private void once(int bit) throws Unusual {
        seen = FastFields.once(seen, bit);
    }
}
