package dev.understudy.api;

import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.ChunkAccumulator;
import dev.understudy.routing.Attempt;
import dev.understudy.routing.ChainResult;
import dev.understudy.routing.Route;
import dev.understudy.routing.StreamSink;
import dev.understudy.routing.Target;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What the two APIs' stream writers share: the annotation headers and event-stream start, the route's
 * accounting, the whole answer collected for the emergency cache, the hand-over of a failure before the first
 * byte. A subclass writes only its API's events.
 */
public abstract class SseAnswerWriter implements StreamSink {

    protected final SseOutput out;
    protected final Route route;
    private final Consumer<ChainResult> onFailBeforeStart;
    private final BiConsumer<ChatResponse, Target> onAnswered;
    /** The whole answer as it streams by, for the emergency cache. */
    private final ChunkAccumulator answer = new ChunkAccumulator();

    protected SseAnswerWriter(SseOutput out, Route route, Consumer<ChainResult> onFailBeforeStart,
            BiConsumer<ChatResponse, Target> onAnswered) {
        this.out = out;
        this.route = route;
        this.onFailBeforeStart = onFailBeforeStart;
        this.onAnswered = onAnswered;
    }

    /** The API's first events, if it has any before the content. */
    protected void opening(Target target) {
    }

    /** The API's events for one piece of content. */
    protected abstract void writeContent(ChatChunk chunk, Target target);

    /** The API's closing events (the finish, the {@code understudy} object, the end marker), ending the body. */
    protected abstract void writeFinish(ChatChunk finish, Target target, Annotations annotations);

    /** The API's in-band error event. */
    protected abstract Buffer abortEvent(String message, Annotations annotations);

    /** The answer's id and creation time (seconds), as its events carried them. */
    protected abstract String answerId();

    protected abstract long createdSeconds();

    @Override
    public final void start(Target target, boolean fallback, int tried, boolean capped) {
        if (!out.open()) {
            return;
        }
        HttpServerResponse response = out.response();
        Annotations.fromProvider(route.name(), target, fallback, List.of(), capped).writeHeaders(response.headers());
        response.headers().set("x-understudy-attempts", Integer.toString(tried)); // so far; the finish has all
        SseOutput.start(response);
        opening(target);
    }

    @Override
    public final void content(ChatChunk chunk, Target target) {
        answer.add(chunk);
        writeContent(chunk, target);
    }

    @Override
    public final void finish(ChatChunk finish, Target target, boolean fallback, List<Attempt> attempts,
            boolean capped) {
        route.meters().request("provider", "ok");
        route.account(target, finish.usage());
        writeFinish(finish, target, Annotations.fromProvider(route.name(), target, fallback, attempts, capped));
        answer.add(finish);
        onAnswered.accept(answer.toResponse(answerId(), target.model(), createdSeconds()), target);
    }

    @Override
    public final void failBeforeStart(ChainResult result) {
        onFailBeforeStart.accept(result);
    }

    @Override
    public final void abort(String message, List<Attempt> attempts) {
        route.meters().request("provider", "aborted");
        out.end(abortEvent("The answer is incomplete: " + message, Annotations.none(route.name(), attempts)));
    }
}
