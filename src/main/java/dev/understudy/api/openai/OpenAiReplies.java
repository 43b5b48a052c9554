package dev.understudy.api.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.Annotations;
import dev.understudy.api.OpenAiErrors;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.Ids;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.openai.OpenAiFormat;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.Route;

/** OpenAI-format bodies for what the fallback chain ended with. Pure: no I/O. */
public final class OpenAiReplies {

    private OpenAiReplies() {
    }

    /** A provider's answer, named after the target that gave it, with the {@code understudy} object. */
    public static ObjectNode answer(Route route, ChainResult result) {
        ChatResponse r = result.response();
        ChatResponse named = new ChatResponse(r.id() != null ? r.id() : Ids.completionId(),
                result.answered().model(), r.created(), r.content(), r.toolCalls(), r.finishReason(), r.usage(),
                r.refusal());
        ObjectNode json = OpenAiFormat.writeResponse(named);
        json.set("understudy", annotations(route, result).toJson());
        return json;
    }

    public static Annotations annotations(Route route, ChainResult result) {
        return Annotations.fromProvider(route.name(), result.answered(), result.fallback(), result.attempts());
    }

    /** The provider's own rejection (a caller error or a content-policy refusal). */
    public static ObjectNode rejection(Route route, ChainResult result) {
        ProviderException e = result.rejection();
        int status = rejectionStatus(result);
        ObjectNode json = OpenAiErrors.body(e.getMessage(), e.errorType() != null ? e.errorType()
                : OpenAiErrors.typeFor(status), e.errorCode() != null ? e.errorCode() : e.failure().label(), null);
        json.set("understudy", Annotations.none(route.name(), result.attempts()).toJson());
        return json;
    }

    public static int rejectionStatus(ChainResult result) {
        int s = result.rejection().status();
        return s >= 400 && s < 500 ? s : 400;
    }

    /** A completion whose text is a last resort's (static or cached). */
    public static ObjectNode lastResort(String model, String text, java.util.List<dev.understudy.chat.ToolCall> calls,
            dev.understudy.chat.Usage usage, Annotations a) {
        ChatResponse r = new ChatResponse(Ids.completionId(), model, System.currentTimeMillis() / 1000, text, calls,
                calls != null && !calls.isEmpty() ? "tool_calls" : "stop", usage, null);
        ObjectNode json = OpenAiFormat.writeResponse(r);
        json.set("understudy", a.toJson());
        return json;
    }

    public static ObjectNode error(String message, String code) {
        return OpenAiErrors.body(message, "server_error", code, null);
    }
}
