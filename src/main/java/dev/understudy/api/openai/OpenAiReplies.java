package dev.understudy.api.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.api.Annotations;
import dev.understudy.api.OpenAiErrors;
import dev.understudy.api.Replies;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.Ids;
import dev.understudy.chat.ToolCall;
import dev.understudy.chat.Usage;
import dev.understudy.provider.json.Json;
import dev.understudy.provider.openai.OpenAiFormat;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.Route;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.List;

/** OpenAI-format bodies for what the gateway decided. Pure: no I/O but the one stream replay. */
public final class OpenAiReplies implements Replies {

    public static final OpenAiReplies INSTANCE = new OpenAiReplies();

    private OpenAiReplies() {
    }

    @Override
    public String format() {
        return "openai";
    }

    @Override
    public ObjectNode answer(Route route, ChainResult result) {
        return (ObjectNode) Json.tree(g -> writeAnswer(g, route, result));
    }

    @Override
    public Buffer answerBody(Route route, ChainResult result) {
        return Json.buffer(g -> writeAnswer(g, route, result));
    }

    private static void writeAnswer(JsonGenerator g, Route route, ChainResult result) throws IOException {
        ChatResponse r = result.response();
        ChatResponse named = new ChatResponse(r.id() != null ? r.id() : Ids.completionId(),
                result.answered().model(), r.created(), r.content(), r.toolCalls(), r.finishReason(), r.usage(),
                r.refusal());
        Annotations a = Annotations.fromProvider(route.name(), result.answered(), result.fallback(),
                result.attempts(), result.capped());
        OpenAiFormat.writeResponse(g, named, a::writeField);
    }

    @Override
    public ObjectNode rejection(Route route, ChainResult result) {
        var e = result.rejection();
        int status = rejectionStatus(result);
        ObjectNode json = OpenAiErrors.body(e.getMessage(), e.errorType() != null ? e.errorType()
                : OpenAiErrors.typeFor(status), e.errorCode() != null ? e.errorCode() : e.failure().label(), null);
        json.set("understudy", Annotations.none(route.name(), result.attempts()).toJson());
        return json;
    }

    @Override
    public ObjectNode lastResort(String model, String text, List<ToolCall> calls, Usage usage, Annotations a) {
        ChatResponse r = new ChatResponse(Ids.completionId(), model, System.currentTimeMillis() / 1000, text, calls,
                calls != null && !calls.isEmpty() ? "tool_calls" : "stop", usage, null);
        ObjectNode json = OpenAiFormat.writeResponse(r);
        json.set("understudy", a.toJson());
        return json;
    }

    @Override
    public ObjectNode error(int status, String message, String code, String param) {
        return OpenAiErrors.body(message, OpenAiErrors.typeFor(status), code, param);
    }

    @Override
    public void streamWholeAnswer(HttpServerResponse response, String model, String text, List<ToolCall> calls,
            Usage usage, Annotations a) {
        OpenAiSseWriter.writeWholeAnswer(response, model, text, calls, usage, a);
    }
}
