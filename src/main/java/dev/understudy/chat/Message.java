package dev.understudy.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * One conversation turn in the gateway's canonical form.
 *
 * @param role       system, developer, user, assistant or tool
 * @param content    text and image parts; null when an assistant turn only calls tools
 * @param plainText  the caller sent content as a plain string (kept so OpenAI targets see the same form)
 * @param name       optional participant name
 * @param toolCalls  calls made by an assistant turn, else null
 * @param toolCallId for a tool turn: the call it answers
 */
@RegisterForReflection
public record Message(String role, List<Part> content, boolean plainText, String name, List<ToolCall> toolCalls,
        String toolCallId) {

    public static Message text(String role, String text) {
        return new Message(role, List.of(new Part.Text(text)), true, null, null, null);
    }

    /** All text parts joined; empty when there are none. */
    public String text() {
        if (content == null) {
            return "";
        }
        if (content.size() == 1 && content.get(0) instanceof Part.Text t) {
            return t.text();
        }
        StringBuilder sb = new StringBuilder();
        for (Part p : content) {
            if (p instanceof Part.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }
}
