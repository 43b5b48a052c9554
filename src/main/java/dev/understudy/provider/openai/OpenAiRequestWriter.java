package dev.understudy.provider.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import dev.understudy.chat.Tool;
import dev.understudy.provider.json.Json;
import java.io.IOException;

/** The request to an OpenAI-compatible target, written with the generator straight to its bytes. */
public final class OpenAiRequestWriter {

    private OpenAiRequestWriter() {
    }

    /** The request's bytes, as {@link #write} writes them. */
    public static byte[] bytes(ChatRequest r, String model, boolean stream, boolean continueFinal) {
        return Json.bytes(g -> write(g, r, model, stream, continueFinal));
    }

    /**
     * Writes the request to an OpenAI-compatible target: the one definition of its shape. The caller's fields
     * the gateway does not map pass through first, except those the gateway sets itself. {@code continueFinal}
     * asks vLLM and compatible servers to continue a final assistant turn.
     */
    public static void write(JsonGenerator g, ChatRequest r, String model, boolean stream,
            boolean continueFinal) throws IOException {
        g.writeStartObject();
        ObjectNode extra = r.extra();
        boolean maxTokens = r.maxTokens() != null && (extra == null || !extra.has("max_completion_tokens"));
        if (extra != null) {
            for (java.util.Map.Entry<String, JsonNode> e : extra.properties()) {
                if (!setHere(e.getKey(), r, maxTokens, stream, continueFinal)) {
                    g.writeFieldName(e.getKey());
                    Json.write(g, e.getValue());
                }
            }
        }
        g.writeStringField("model", model);
        g.writeArrayFieldStart("messages");
        for (Message m : r.messages()) {
            writeMessage(g, m);
        }
        g.writeEndArray();
        if (r.tools() != null) {
            g.writeArrayFieldStart("tools");
            for (Tool t : r.tools()) {
                g.writeStartObject();
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", t.name());
                if (t.description() != null) {
                    g.writeStringField("description", t.description());
                }
                if (t.parameters() != null) {
                    g.writeFieldName("parameters");
                    Json.write(g, t.parameters());
                }
                if (t.strict() != null) {
                    g.writeBooleanField("strict", t.strict());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (r.toolChoice() != null) {
            g.writeFieldName("tool_choice");
            Json.write(g, r.toolChoice());
        }
        if (r.temperature() != null) {
            g.writeNumberField("temperature", r.temperature());
        }
        if (r.topP() != null) {
            g.writeNumberField("top_p", r.topP());
        }
        if (maxTokens) {
            g.writeNumberField("max_tokens", r.maxTokens());
        }
        if (r.stop() != null) {
            g.writeArrayFieldStart("stop");
            for (String stop : r.stop()) {
                g.writeString(stop);
            }
            g.writeEndArray();
        }
        if (r.responseFormat() != null) {
            g.writeFieldName("response_format");
            Json.write(g, r.responseFormat());
        }
        if (r.seed() != null) {
            g.writeNumberField("seed", r.seed());
        }
        if (r.user() != null) {
            g.writeStringField("user", r.user());
        }
        if (stream) {
            g.writeBooleanField("stream", true);
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true); // always: usage is accounted
            g.writeEndObject();
        }
        if (continueFinal) {
            g.writeBooleanField("continue_final_message", true);
            g.writeBooleanField("add_generation_prompt", false);
        }
        g.writeEndObject();
    }

    /** Whether {@link #write} writes {@code key} itself (or leaves it out): not passed through. */
    private static boolean setHere(String key, ChatRequest r, boolean maxTokens, boolean stream,
            boolean continueFinal) {
        return switch (key) {
            case "model", "messages", "stream_options" -> true;
            case "tools" -> r.tools() != null;
            case "tool_choice" -> r.toolChoice() != null;
            case "temperature" -> r.temperature() != null;
            case "top_p" -> r.topP() != null;
            case "max_tokens" -> maxTokens;
            case "stop" -> r.stop() != null;
            case "response_format" -> r.responseFormat() != null;
            case "seed" -> r.seed() != null;
            case "user" -> r.user() != null;
            case "stream" -> stream;
            case "continue_final_message", "add_generation_prompt" -> continueFinal;
            default -> false;
        };
    }

    private static void writeMessage(JsonGenerator g, Message m) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", m.role());
        if (m.content() == null) {
            g.writeNullField("content");
        } else if (m.plainText()) {
            g.writeStringField("content", m.text());
        } else {
            g.writeArrayFieldStart("content");
            for (Part p : m.content()) {
                if (p instanceof Part.Text t) {
                    g.writeStartObject();
                    g.writeStringField("type", "text");
                    g.writeStringField("text", t.text());
                    g.writeEndObject();
                } else if (p instanceof Part.Image img) {
                    g.writeStartObject();
                    g.writeStringField("type", "image_url");
                    g.writeObjectFieldStart("image_url");
                    g.writeStringField("url", img.asUrl());
                    if (img.detail() != null) {
                        g.writeStringField("detail", img.detail());
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
        }
        if (m.name() != null) {
            g.writeStringField("name", m.name());
        }
        if (m.toolCalls() != null) {
            OpenAiFormat.writeToolCalls(g, m.toolCalls());
        }
        if (m.toolCallId() != null) {
            g.writeStringField("tool_call_id", m.toolCallId());
        }
        g.writeEndObject();
    }
}
