package dev.understudy.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ToolCall;
import dev.understudy.chat.Usage;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.Route;
import dev.understudy.provider.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * One inbound API's way of writing what the gateway decided: answers, errors and last resorts in that
 * API's own shapes (OpenAI or Anthropic). Pure builders plus one streaming replay; no decisions.
 */
public interface Replies {

    /** "openai" or "anthropic": stored with queued requests so their results come back in the same shape. */
    String format();

    /** A provider's answer, named after the target that gave it, with the {@code understudy} object. */
    ObjectNode answer(Route route, ChainResult result);

    /** {@link #answer}'s JSON text, ready to send (an API may write it without building the tree). */
    default Buffer answerBody(Route route, ChainResult result) {
        return Json.buffer(answer(route, result));
    }

    /** A complete answer from a last resort (cache or static). */
    ObjectNode lastResort(String model, String text, List<ToolCall> calls, Usage usage, Annotations a);

    /**
     * An error body.
     *
     * @param kind one of invalid_request, not_found, too_large, rate_limited, unauthorized, forbidden,
     *             unavailable, server — mapped to the API's own error types
     */
    ObjectNode error(int status, String message, String code, String param);

    /** The same answer replayed as this API's stream, all in one write. */
    void streamWholeAnswer(HttpServerResponse response, String model, String text, List<ToolCall> calls, Usage usage,
            Annotations a);

    /** The provider's own rejection, with its status (a caller error or a content-policy refusal). */
    default ObjectNode rejection(Route route, ChainResult result) {
        var e = result.rejection();
        ObjectNode body = error(rejectionStatus(result), e.getMessage(), e.errorCode() != null ? e.errorCode()
                : e.failure().label(), null);
        body.set("understudy", Annotations.none(route.name(), result.attempts()).toJson());
        return body;
    }

    default int rejectionStatus(ChainResult result) {
        int s = result.rejection().status();
        return s >= 400 && s < 500 ? s : 400;
    }

    static Replies of(String format) {
        return "anthropic".equals(format) ? dev.understudy.api.anthropic.AnthropicReplies.INSTANCE
                : dev.understudy.api.openai.OpenAiReplies.INSTANCE;
    }
}
