package dev.understudy.routing;

import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Usage;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.tracing.AttemptSpans;
import dev.understudy.tracing.RequestSpans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/**
 * One streamed request. Upstream events, timers and cancellation all enter through synchronized
 * methods; a generation number makes callbacks of an abandoned attempt harmless.
 *
 * <p>Continuation after a mid-stream failure, by what the next target can do:
 * <ol>
 * <li>prefill: the text already sent becomes a final assistant turn and the target continues it
 * (trailing whitespace is trimmed for the provider and withheld from its continuation);</li>
 * <li>regenerate: the target answers anew; the part the caller already has is withheld, and if the
 * new answer does not start with exactly that text, the stream ends with an in-band error;</li>
 * <li>a cut inside a tool call, or no target left: an in-band error. Never a silent truncation.</li>
 * </ol>
 */
public final class StreamSession {

    /** After a finish without usage, how long the usage chunk may still take before we finish anyway. */
    private static final Duration USAGE_GRACE = Duration.ofMillis(250);

    private enum Mode { FRESH, PREFILL, REGENERATE }

    private final ChainRun run;
    private final StreamSink sink;
    private final RetryPolicy policy;
    private final Vertx vertx;
    private final AttemptSpans spans;

    private int index;
    private int retriesDone;
    /** The failure a pending same-target retry is for (the fallback reason if the breaker refuses the retry). */
    private String lastFailure = "server";
    private int generation;
    private boolean done;
    private boolean started;
    private final StringBuilder sent = new StringBuilder();
    private boolean sentToolCalls;

    // the current attempt
    private Target target;
    /** The current attempt's span; invalid once ended (or while tracing is off). */
    private Span span = Span.getInvalid();
    private Cancellable upstream;
    private long timer = -1;
    private long timerFiresAt;
    private long dueAt;
    private Failure dueKind;
    private Duration dueAfter;
    private long attemptStart;
    private boolean attemptHasContent;
    private ChatChunk finishChunk;
    private Usage usage;
    private Mode mode;
    private int withheldWhitespace;
    private String expected;
    private StringBuilder regenerated;

    StreamSession(ChainRun run, StreamSink sink, RetryPolicy policy, Vertx vertx, AttemptSpans spans) {
        this.run = run;
        this.sink = sink;
        this.policy = policy;
        this.vertx = vertx;
        this.spans = spans;
    }

    synchronized void begin() {
        moveTo(0);
    }

    /** The caller went away: stop everything and free the upstream. */
    public synchronized void cancel() {
        if (!done) {
            done = true;
            stopAttempt();
            endSpan("cancelled", false);
        }
    }

    private void moveTo(int from) {
        int i = run.nextCallable(from);
        if (i < 0) {
            exhausted();
            return;
        }
        index = i;
        retriesDone = 0;
        startAttempt();
    }

    private void startAttempt() {
        int gen = ++generation;
        target = run.targets.get(index);
        ChatRequest request = run.request;
        if (sent.isEmpty()) {
            mode = Mode.FRESH;
        } else if (target.adapter().supportsPrefill(target.model())) {
            mode = Mode.PREFILL;
            String prefill = sent.toString().stripTrailing();
            withheldWhitespace = sent.length() - prefill.length();
            request = request.withAssistantPrefill(prefill);
        } else {
            mode = Mode.REGENERATE;
            expected = sent.toString();
            regenerated = new StringBuilder();
        }
        attemptHasContent = false;
        finishChunk = null;
        usage = null;
        span = spans.start(run.trace, target, request, true, mode == Mode.FRESH ? null
                : mode == Mode.PREFILL ? "prefill" : "regenerate");
        attemptStart = run.now();
        arm(gen, target.firstTokenTimeout(), Failure.FIRST_TOKEN_TIMEOUT);
        Cancellable c;
        try (Scope ignored = AttemptSpans.activate(span)) { // the provider request carries this attempt's context
            c = target.adapter().stream(target.model(), request).subscribe().with(
                    chunk -> onChunk(gen, chunk), failure -> onFailure(gen, failure), () -> onEnd(gen));
        }
        if (gen == generation && !done) {
            upstream = c; // callbacks may have run already; cancelling a finished subscription is a no-op
        } else {
            c.cancel();
        }
    }

    private synchronized void onChunk(int gen, ChatChunk chunk) {
        if (gen != generation || done) {
            return;
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.hasContent()) {
            if (!attemptHasContent) {
                spans.firstContent(span);
            }
            attemptHasContent = true;
            deliver(chunk);
            if (done) {
                return;
            }
            arm(gen, target.idleTimeout(), Failure.STALLED);
        }
        if (chunk.finishReason() != null) {
            finishChunk = chunk;
            if (usage != null) {
                finish();
            } else {
                arm(gen, USAGE_GRACE, null); // a usage chunk usually follows at once; don't wait for [DONE]
            }
        } else if (finishChunk != null && usage != null) {
            finish();
        }
    }

    private synchronized void onEnd(int gen) {
        if (gen != generation || done) {
            return;
        }
        upstream = null;
        if (finishChunk != null) {
            finish();
        } else {
            fail(gen, new ProviderException(Failure.CUT, "the stream ended before the answer was complete"));
        }
    }

    private synchronized void onFailure(int gen, Throwable t) {
        if (gen != generation || done) {
            return;
        }
        upstream = null;
        if (finishChunk != null) {
            finish(); // the answer was complete; only the trailer was lost
            return;
        }
        fail(gen, FallbackChain.asProviderException(t));
    }

    private void fail(int gen, ProviderException e) {
        stopAttempt();
        run.failed(target, e, attemptStart);
        spans.failed(span, e, started);
        span = Span.getInvalid();
        if (!started) {
            RetryPolicy.Decision decision = policy.decide(e, target, retriesDone, run.deadline);
            if (decision instanceof RetryPolicy.RetrySame same) {
                retriesDone++;
                lastFailure = e.failure().label();
                long ms = Math.max(1, (same.after().toNanos() + 999_999) / 1_000_000);
                timer = vertx.setTimer(ms, id -> retryNow(gen));
            } else if (decision instanceof RetryPolicy.ReturnToCaller) {
                done = true;
                sink.failBeforeStart(new ChainResult(null, null, false, run.attempts(), e, null));
            } else {
                run.logFallback(target, index + 1, e.failure().label());
                moveTo(index + 1);
            }
            return;
        }
        if (!e.failure().tryNextTarget()) {
            abort("the provider stopped the answer: " + e.getMessage());
        } else if (sentToolCalls) {
            abort("the answer was cut during a tool call and cannot be continued consistently");
        } else {
            run.logFallback(target, index + 1, e.failure().label() + "_mid_stream");
            moveTo(index + 1);
        }
    }

    private synchronized void retryNow(int gen) {
        if (gen == generation && !done) {
            timer = -1;
            if (run.mayRetry(target)) {
                startAttempt();
            } else { // the failures meanwhile opened its breaker: no retry, the next target
                run.logFallback(target, index + 1, lastFailure);
                moveTo(index + 1);
            }
        }
    }

    /** Passes content on, withholding what the caller already has when this attempt continues a cut one. */
    private void deliver(ChatChunk chunk) {
        switch (mode) {
            case FRESH -> emit(chunk);
            case PREFILL -> {
                String text = chunk.text();
                if (text != null && withheldWhitespace > 0) {
                    int skip = 0;
                    while (skip < text.length() && skip < withheldWhitespace
                            && Character.isWhitespace(text.charAt(skip))) {
                        skip++;
                    }
                    withheldWhitespace = skip < text.length() ? 0 : withheldWhitespace - skip;
                    text = text.substring(skip);
                }
                if (text != null && !text.isEmpty() || chunk.toolCalls() != null) {
                    emit(new ChatChunk(text == null || text.isEmpty() ? null : text, chunk.toolCalls(), null, null));
                }
            }
            case REGENERATE -> {
                if (chunk.toolCalls() != null) {
                    abort("the answer was cut and the backup answered differently; it cannot be continued");
                    return;
                }
                regenerated.append(chunk.text());
                if (regenerated.length() <= expected.length()) {
                    if (!expected.startsWith(regenerated.toString())) {
                        abort("the answer was cut and the backup answered differently; it cannot be continued");
                    }
                    return;
                }
                if (!regenerated.substring(0, expected.length()).equals(expected)) {
                    abort("the answer was cut and the backup answered differently; it cannot be continued");
                    return;
                }
                mode = Mode.FRESH;
                emit(ChatChunk.text(regenerated.substring(expected.length())));
            }
        }
    }

    private void emit(ChatChunk chunk) {
        if (!started) {
            started = true;
            sink.start(target, index > 0, run.triedTargets(target), run.capped(target));
        }
        if (chunk.text() != null) {
            sent.append(chunk.text());
        }
        if (chunk.toolCalls() != null) {
            sentToolCalls = true;
        }
        sink.content(new ChatChunk(chunk.text(), chunk.toolCalls(), null, null), target);
    }

    private void finish() {
        if (mode == Mode.REGENERATE) {
            // the new answer ended before it even caught up with what the caller already has
            abort("the answer was cut and the backup answered differently; it cannot be continued");
            return;
        }
        done = true;
        stopAttempt();
        run.succeeded(target, attemptStart);
        spans.succeeded(span, run.trace, target, index > 0, target.model(), usage, finishChunk.finishReason(),
                sent);
        span = Span.getInvalid();
        if (RequestSpans.recording(run.trace)) {
            RequestSpans.attempts(run.trace, Attempt.distinctTargetsCalled(run.attempts()));
        }
        if (!started) {
            started = true;
            sink.start(target, index > 0, run.triedTargets(target), run.capped(target)); // empty, still an answer
        }
        sink.finish(ChatChunk.finish(finishChunk.finishReason(), usage), target, index > 0, run.attempts(),
                run.capped(target));
    }

    private void exhausted() {
        done = true;
        stopAttempt();
        if (!started) {
            sink.failBeforeStart(new ChainResult(null, null, false, run.attempts(), null, run.retryAfterHint()));
        } else {
            RequestSpans.aborted(run.trace);
            sink.abort("the answer was cut and no other target could continue it", run.attempts());
        }
    }

    private void abort(String message) {
        done = true;
        stopAttempt();
        endSpan("inconsistent", true); // still open when the continuation itself did not match
        RequestSpans.aborted(run.trace);
        sink.abort(message, run.attempts());
    }

    /**
     * Sets when the attempt's one watchdog fires; {@code failure} null means "finish" (the usage grace).
     * Pushing the deadline later (every chunk does) only moves a field: the timer, when it fires early,
     * re-arms itself for what is left. So a stream costs one timer per attempt, not one per chunk.
     */
    private void arm(int gen, Duration after, Failure failure) {
        Duration capped = failure == null ? after : run.deadline.cap(after);
        dueAt = run.now() + capped.toNanos();
        dueKind = failure;
        dueAfter = capped;
        if (timer == -1 || timerFiresAt - dueAt > 0) {
            if (timer != -1) {
                vertx.cancelTimer(timer);
            }
            schedule(gen);
        }
    }

    private void schedule(int gen) {
        timerFiresAt = dueAt;
        long ms = Math.max(1, (dueAt - run.now() + 999_999) / 1_000_000);
        timer = vertx.setTimer(ms, id -> onTimer(gen, id)); // we hold the lock: onTimer sees this id
    }

    private synchronized void onTimer(int gen, long id) {
        if (id != timer) {
            return; // replaced or cancelled
        }
        timer = -1;
        if (gen != generation || done) {
            return;
        }
        if (dueAt - run.now() > 0) {
            schedule(gen); // chunks arrived meanwhile: wait for what is left
            return;
        }
        if (dueKind == null) {
            finish();
            return;
        }
        String what = dueKind == Failure.FIRST_TOKEN_TIMEOUT ? "no first token within " : "no chunk within ";
        fail(gen, new ProviderException(dueKind, what + dueAfter.toMillis() + " ms"));
    }

    private void endSpan(String outcome, boolean error) {
        spans.ended(span, outcome, error);
        span = Span.getInvalid();
    }

    private void stopAttempt() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        if (upstream != null) {
            upstream.cancel();
            upstream = null;
        }
    }
}
