package dev.understudy.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat request in the gateway's canonical form, whatever API it came in through.
 * Immutable: a retry or a continuation builds a new one, so adapters can map it again.
 *
 * @param model          the route name the caller asked for
 * @param toolChoice     OpenAI form: "auto", "none", "required" or {"type":"function","function":{"name":…}}
 * @param responseFormat OpenAI form, e.g. {"type":"json_object"}
 * @param includeUsage   the caller asked for a usage chunk at the end of a stream
 * @param extra          other top-level OpenAI fields, passed through to OpenAI-compatible targets only
 */
@RegisterForReflection
public record ChatRequest(String model, List<Message> messages, List<Tool> tools, JsonNode toolChoice,
        Double temperature, Double topP, Integer maxTokens, List<String> stop, JsonNode responseFormat, Long seed,
        String user, boolean stream, boolean includeUsage, ObjectNode extra) {

    /** The same request with an assistant turn appended that the target is asked to continue (prefill). */
    public ChatRequest withAssistantPrefill(String text) {
        List<Message> copy = new ArrayList<>(messages.size() + 1);
        copy.addAll(messages);
        copy.add(Message.text("assistant", text));
        return new ChatRequest(model, List.copyOf(copy), tools, toolChoice, temperature, topP, maxTokens, stop,
                responseFormat, seed, user, stream, includeUsage, extra);
    }

    /** True when the last turn is an assistant turn the target must continue. */
    public boolean endsWithAssistant() {
        return !messages.isEmpty() && "assistant".equals(messages.get(messages.size() - 1).role());
    }
}
